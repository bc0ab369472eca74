import { cloneElement, useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { messageOf } from "../api/client";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {messageOf(error)}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Loading, error and (optionally) empty states around a query's data. */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (d: T) => boolean;
  empty?: ReactNode;
  children: (d: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} />;
  if (isEmpty?.(query.data) && empty) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

/** A labelled control: the label names only its text (not a select's options), the hint
 * describes the control. `children` is the one input, select or textarea. */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactElement<{ id?: string; "aria-describedby"?: string }> }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id, "aria-describedby": hint ? hintId : undefined })}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A button that asks before acting (deletes, stop): a modal dialog, keyboard friendly. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  className = "danger",
}: {
  label: string;
  question: string;
  confirmLabel?: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => ref.current?.showModal()}>
        {label}
      </button>
      <dialog ref={ref} aria-labelledby={titleId}>
        <p id={titleId}>{question}</p>
        <div className="row">
          <button type="button" onClick={() => ref.current?.close()} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              ref.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel ?? label}
          </button>
        </div>
      </dialog>
    </>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(null), 2500);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <>
      <button
        type="button"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setDone("Copied"),
            () => setDone("Copy failed: select the text and copy it"),
          )
        }
      >
        {label}
      </button>
      <span role="status" className="muted">
        {done}
      </span>
    </>
  );
}

export function SecretOnce({ title, value }: { title: string; value: string }) {
  return (
    <div className="secret" role="region" aria-label={title}>
      <strong>{title}</strong>
      <p className="muted">Shown once: copy it now, it cannot be displayed again.</p>
      <code className="block" data-testid="secret">
        {value}
      </code>
      <CopyButton text={value} />
    </div>
  );
}

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value}`}>{value.replace(/_/g, " ")}</span>;
}

export const fmtTime = (iso?: string | null): string => (iso ? new Date(iso).toLocaleString() : "—");

/** A checkbox that moves at once and holds its new state while the server is asked; when the
 * server refuses it moves back (the caller shows why). */
export function Toggle({ checked, onToggle, label, disabled }: { checked: boolean; onToggle: (next: boolean) => Promise<unknown>; label: string; disabled?: boolean }) {
  const [pending, setPending] = useState<boolean | null>(null);
  useEffect(() => {
    if (pending !== null && pending === checked) setPending(null);
  }, [checked, pending]);
  return (
    <input
      type="checkbox"
      aria-label={label}
      disabled={disabled}
      checked={pending ?? checked}
      onChange={(e) => {
        const next = e.target.checked;
        setPending(next);
        onToggle(next).catch(() => setPending(null));
      }}
    />
  );
}
