/** The error tree, mirroring the Python SDK: one class per HTTP status the API documents. */

export class KatavenError extends Error {
  override name = "KatavenError";
}

/** The request never got an answer (refused connection, reset, DNS). */
export class APIConnectionError extends KatavenError {
  override name = "APIConnectionError";
  constructor(message = "Connection error", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within `timeout` milliseconds. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
  constructor(message = "Request timed out") {
    super(message);
  }
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends KatavenError {
  override name = "APIUserAbortError";
  constructor(message = "Request was aborted", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server answered with a 4xx or 5xx; `message` is the server's own. */
export class APIError extends KatavenError {
  override name = "APIError";
  readonly status: number;
  /** The stable machine-readable code (`not_found`, `rate_limited`, `call_limit_reached`, …). */
  readonly code: string | null;
  readonly requestId: string | null;
  /** The parsed problem+json body, or the text the server sent. */
  readonly body: unknown;
  readonly headers: Headers;

  constructor(status: number, message: string, init: ErrorInit) {
    super(message);
    this.status = status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.body = init.body;
    this.headers = init.headers;
  }
}

/** Python's name for the same class. */
export { APIError as APIStatusError };

export interface ErrorInit {
  code: string | null;
  requestId: string | null;
  body: unknown;
  headers: Headers;
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}

export class RateLimitError extends APIError {
  override name = "RateLimitError";
  /** Seconds to wait, from the `Retry-After` header (null when absent). */
  readonly retryAfter: number | null;

  constructor(status: number, message: string, init: ErrorInit) {
    super(status, message, init);
    this.retryAfter = parseRetryAfter(init.headers.get("retry-after"));
  }
}

/** A call cost cap refused the call (429 `call_limit_reached`). */
export class CostCapError extends RateLimitError {
  override name = "CostCapError";
}

export class ServiceUnavailableError extends APIError {
  override name = "ServiceUnavailableError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

const BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** Seconds from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

/** The typed error for a non-2xx answer, from its status and problem+json (or text) body. */
export function errorFromResponse(status: number, text: string, headers: Headers): APIError {
  let body: unknown = text;
  let message = text.trim();
  let code: string | null = null;
  let requestId = headers.get("x-request-id");
  const type = headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (body !== null && typeof body === "object") {
      const problem = body as Record<string, unknown>;
      if (typeof problem.detail === "string") message = problem.detail;
      else if (typeof problem.message === "string") message = problem.message;
      if (typeof problem.code === "string") code = problem.code;
      if (typeof problem.request_id === "string") requestId = problem.request_id;
    }
  }
  if (!message) message = `HTTP ${status}`;
  const init: ErrorInit = { code, requestId, body, headers };
  if (status === 429 && code === "call_limit_reached") return new CostCapError(status, message, init);
  const Class = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : APIError);
  return new Class(status, message, init);
}
