import type { TableColumnDefinition } from "./table.js";

/** Builds a column definition; `wide` columns get priority 1 and show only with `-o wide`. */
export function column(
  name: string,
  type: string,
  description: string,
  opts: { wide?: boolean; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? "", description, priority: opts.wide ? 1 : 0 };
}

/** Kubernetes takes these two descriptions from ObjectMeta's API documentation. */
export const NAME_COLUMN = column(
  "Name",
  "string",
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  { format: "name" },
);

export const AGE_COLUMN = column(
  "Age",
  "string",
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
);

/** The wide columns every workload printer ends with (CONTAINERS, IMAGES, and often SELECTOR). */
export const CONTAINERS_COLUMN = column("Containers", "string", "Names of each container in the template.", {
  wide: true,
});
export const IMAGES_COLUMN = column(
  "Images",
  "string",
  "Images referenced by each container in the template.",
  {
    wide: true,
  },
);
