import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { challengeOf, randomString } from "../../src/lib/oidc";

describe("PKCE", () => {
  it("derives the S256 challenge as base64url without padding", async () => {
    const verifier = randomString(48);
    const expected = createHash("sha256").update(verifier).digest("base64url");
    expect(await challengeOf(verifier)).toBe(expected);
  });

  it("makes verifiers of the allowed alphabet and length (RFC 7636: 43–128)", () => {
    const v = randomString(48);
    expect(v).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(randomString(48)).not.toBe(v);
  });
});
