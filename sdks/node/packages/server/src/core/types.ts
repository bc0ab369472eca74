/** Request and response types looked up by (path, method) in the generated OpenAPI types. */

import type { components, paths } from "../generated/openapi.js";

export type Schemas = components["schemas"];
type Method = "get" | "post" | "put" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M & keyof paths[P]]>;
type Content<T> = T extends { content: infer C }
  ? C extends { "application/json": infer B }
    ? B
    : C extends { "multipart/form-data": infer F }
      ? F
      : unknown
  : never;

/** The JSON (or multipart) body of an operation. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer R } ? Content<NonNullable<R>> : never;

/** The query parameters of an operation. */
export type Query<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The success (200 or 201) body of an operation; `void` for 204. */
export type Result<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer OK }
      ? Content<OK>
      : R extends { 201: infer Created }
        ? Content<Created>
        : void
    : never;
