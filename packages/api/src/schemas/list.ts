import { z } from "zod";
import { ListMeta } from "./meta.js";

/** `XxxList`: every kind is listed with the same envelope around its items. */
export function listOf<V extends string, K extends string, T extends z.ZodType>(
  apiVersion: V,
  listKind: K,
  item: T,
) {
  return z.strictObject({
    apiVersion: z.literal(apiVersion),
    kind: z.literal(listKind),
    metadata: ListMeta.optional(),
    items: z.array(item),
  });
}
