import { schemaFor } from "../kind-schemas.js";
import { parseApiVersion } from "../registry.js";
import type { Deployment, ReplicaSet } from "../schemas/apps.js";
import type { HorizontalPodAutoscaler, Scale } from "../schemas/autoscaling.js";
import type { CronJob, Job } from "../schemas/batch.js";
import type { Lease } from "../schemas/coordination.js";
import type {
  Binding,
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  Pod,
  Secret,
  Service,
} from "../schemas/core.js";
import type { ObjectMeta } from "../schemas/meta.js";
import type { Eviction, PodDisruptionBudget } from "../schemas/policy.js";
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet } from "./apps.js";
import { validateHorizontalPodAutoscaler, validateScale } from "./autoscaling.js";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch.js";
import { validateLease } from "./coordination.js";
import {
  validateBinding,
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEvent,
  validateNamespace,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
} from "./core.js";
import { type FieldError, invalid, unknownField } from "./field-error.js";
import { validateObjectMetaUpdate } from "./object-meta.js";
import { validatePod, validatePodUpdate } from "./pod.js";
import { validateEviction, validatePodDisruptionBudget } from "./policy.js";
import { schemaErrors } from "./schema-errors.js";
import { validateService, validateServiceUpdate } from "./service.js";

/** Any API object, as far as dispatching needs to know. */
export interface TypedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

type Validator = (obj: never) => FieldError[];
type UpdateValidator = (n: never, o: never) => FieldError[];

const VALIDATORS: Record<string, Validator> = {
  "v1/Namespace": (o: Namespace) => validateNamespace(o),
  "v1/Pod": (o: Pod) => validatePod(o),
  "v1/Node": (o: Node) => validateNode(o),
  "v1/Service": (o: Service) => validateService(o),
  "v1/Endpoints": (o: Endpoints) => validateEndpoints(o),
  "v1/ConfigMap": (o: ConfigMap) => validateConfigMap(o),
  "v1/Secret": (o: Secret) => validateSecret(o),
  "v1/Event": (o: Event) => validateEvent(o),
  "v1/Binding": (o: Binding) => validateBinding(o),
  "apps/v1/Deployment": (o: Deployment) => validateDeployment(o),
  "apps/v1/ReplicaSet": (o: ReplicaSet) => validateReplicaSet(o),
  "batch/v1/Job": (o: Job) => validateJob(o),
  "batch/v1/CronJob": (o: CronJob) => validateCronJob(o),
  "coordination.k8s.io/v1/Lease": (o: Lease) => validateLease(o),
  "autoscaling/v2/HorizontalPodAutoscaler": (o: HorizontalPodAutoscaler) =>
    validateHorizontalPodAutoscaler(o),
  "autoscaling/v1/Scale": (o: Scale) => validateScale(o),
  "policy/v1/PodDisruptionBudget": (o: PodDisruptionBudget) => validatePodDisruptionBudget(o),
  "policy/v1/Eviction": (o: Eviction) => validateEviction(o),
};

const UPDATE_VALIDATORS: Record<string, UpdateValidator> = {
  "v1/Pod": (n: Pod, o: Pod) => validatePodUpdate(n, o),
  "v1/Node": (n: Node, o: Node) => validateNodeUpdate(n, o),
  "v1/Service": (n: Service, o: Service) => validateServiceUpdate(n, o),
  "v1/ConfigMap": (n: ConfigMap, o: ConfigMap) => validateConfigMapUpdate(n, o),
  "v1/Secret": (n: Secret, o: Secret) => validateSecretUpdate(n, o),
  "apps/v1/Deployment": (n: Deployment, o: Deployment) => validateDeploymentUpdate(n, o),
  "apps/v1/ReplicaSet": (n: ReplicaSet, o: ReplicaSet) => validateDeploymentUpdate(n, o),
  "batch/v1/Job": (n: Job, o: Job) => validateJobUpdate(n, o),
  "batch/v1/CronJob": (n: CronJob, o: CronJob) => validateCronJobUpdate(n, o),
};

/** Checks the object's shape against its schema; returns the parsed object or the problems. */
function parse(obj: TypedObject): { value?: unknown; errors: FieldError[] } {
  const kind = obj.kind ?? "";
  const apiVersion = obj.apiVersion ?? "";
  const schema = schemaFor({ ...parseApiVersion(apiVersion), kind });
  if (!schema) {
    return {
      errors: [
        invalid(
          "kind",
          kind,
          `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`,
        ),
      ],
    };
  }
  const result = schema.safeParse(obj);
  if (result.success) return { value: result.data, errors: [] };
  const found = schemaErrors(schema, obj, result.error.issues);
  return { errors: [...found.errors, ...found.unknownFields.map(unknownField)] };
}

/**
 * Every problem with one object, each with its field path and Kubernetes' message. The object
 * is first checked against its schema (types, unknown fields); then by its kind's rules.
 */
export function validateObject(obj: TypedObject): FieldError[] {
  const parsed = parse(obj);
  if (parsed.errors.length > 0) return parsed.errors;
  const validator = VALIDATORS[`${obj.apiVersion}/${obj.kind}`];
  return validator ? validator(parsed.value as never) : [];
}

/**
 * What an update may not change (identity, selectors, a pod's spec...). Call it beside
 * `validateObject(newObj)`, which reports everything else; malformed objects are left to it.
 */
export function validateUpdate(newObj: TypedObject, oldObj: TypedObject): FieldError[] {
  if (newObj.apiVersion !== oldObj.apiVersion || newObj.kind !== oldObj.kind) {
    return [invalid("kind", newObj.kind, "field is immutable")];
  }
  const n = parse(newObj);
  const o = parse(oldObj);
  if (n.errors.length > 0 || o.errors.length > 0) return [];
  const validator = UPDATE_VALIDATORS[`${newObj.apiVersion}/${newObj.kind}`];
  if (validator) return validator(n.value as never, o.value as never);
  return validateObjectMetaUpdate(newObj.metadata, oldObj.metadata);
}

/**
 * The kind's rules alone, for an object that already passed its schema (the apiserver decodes
 * every body with `decodeObject` first, and defaulting keeps it within the schema): the same
 * answer as `validateObject` without parsing twice.
 */
export function validateDecoded(obj: TypedObject): FieldError[] {
  const validator = VALIDATORS[`${obj.apiVersion}/${obj.kind}`];
  return validator ? validator(obj as never) : [];
}

/** `validateUpdate` for two objects that already passed their schema. */
export function validateDecodedUpdate(newObj: TypedObject, oldObj: TypedObject): FieldError[] {
  if (newObj.apiVersion !== oldObj.apiVersion || newObj.kind !== oldObj.kind) {
    return [invalid("kind", newObj.kind, "field is immutable")];
  }
  const validator = UPDATE_VALIDATORS[`${newObj.apiVersion}/${newObj.kind}`];
  if (validator) return validator(newObj as never, oldObj as never);
  return validateObjectMetaUpdate(newObj.metadata, oldObj.metadata);
}
