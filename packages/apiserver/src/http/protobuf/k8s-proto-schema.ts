/**
 * The protobuf schema of the objects minik8s serves, as .proto (proto2) text.
 *
 * It mirrors the wire numbers of Kubernetes' generated.proto files (k8s.io/api and
 * k8s.io/apimachinery) for the fields minik8s serves, so that bodies the real kubectl sends as
 * `application/vnd.kubernetes.protobuf` decode. It is our own, smaller description: kinds and
 * fields minik8s does not serve are left out, and fields missing here are skipped when decoding.
 *
 * Two custom field options carry what Go's JSON encoding knows and the wire does not:
 * - `(zero) = true`: the Go field is a pointer (or has no `omitempty`), so a zero value is
 *   meaningful (`replicas: 0`, `runAsUser: 0`) and is kept. Other zero scalars are dropped, as
 *   Go's `omitempty` would drop them.
 * - `(inline) = true`: the Go field is an embedded struct (`json:",inline"`), so its fields are
 *   merged into the parent (`ConfigMapKeySelector.name`, `Volume.emptyDir`, `Probe.httpGet`).
 *
 * Embedded as a string so that `tsc` and esbuild bundles carry it without a file to copy.
 */

const RESOURCE = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;
message Quantity { optional string string = 1; }
`;

const INTSTR = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;
message IntOrString {
  optional int64 type = 1;
  optional int32 intVal = 2;
  optional string strVal = 3;
}
`;

const RUNTIME = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;
message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message RawExtension { optional bytes raw = 1; }
`;

const META = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message MicroTime {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message FieldsV1 { optional bytes Raw = 1; }
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6 [(zero) = true];
  optional bool blockOwnerDeletion = 7 [(zero) = true];
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 [(zero) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message ListMeta {
  optional string selfLink = 1;
  optional string resourceVersion = 2;
  optional string continue = 3;
  optional int64 remainingItemCount = 4 [(zero) = true];
}
message LabelSelectorRequirement {
  optional string key = 1;
  optional string operator = 2;
  repeated string values = 3;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message Condition {
  optional string type = 1;
  optional string status = 2;
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message Preconditions {
  optional string uid = 1 [(zero) = true];
  optional string resourceVersion = 2 [(zero) = true];
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(zero) = true];
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3 [(zero) = true];
  optional string propagationPolicy = 4;
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(zero) = true];
}
`;

const CORE = `
syntax = "proto2";
package k8s.io.api.core.v1;

message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}
message LocalObjectReference { optional string name = 1; }
message ContainerPort {
  optional string name = 1;
  optional int32 hostPort = 2;
  optional int32 containerPort = 3;
  optional string protocol = 4;
  optional string hostIP = 5;
}
message ObjectFieldSelector {
  optional string apiVersion = 1;
  optional string fieldPath = 2;
}
message ResourceFieldSelector {
  optional string containerName = 1;
  optional string resource = 2;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity divisor = 3;
}
message ConfigMapKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2;
  optional bool optional = 3 [(zero) = true];
}
message SecretKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2;
  optional bool optional = 3 [(zero) = true];
}
message EnvVarSource {
  optional ObjectFieldSelector fieldRef = 1;
  optional ResourceFieldSelector resourceFieldRef = 2;
  optional ConfigMapKeySelector configMapKeyRef = 3;
  optional SecretKeySelector secretKeyRef = 4;
}
message EnvVar {
  optional string name = 1;
  optional string value = 2;
  optional EnvVarSource valueFrom = 3;
}
message ConfigMapEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(zero) = true];
}
message SecretEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(zero) = true];
}
message EnvFromSource {
  optional string prefix = 1;
  optional ConfigMapEnvSource configMapRef = 2;
  optional SecretEnvSource secretRef = 3;
}
message ResourceClaim {
  optional string name = 1;
  optional string request = 2;
}
message ResourceRequirements {
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> limits = 1;
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> requests = 2;
  repeated ResourceClaim claims = 3;
}
message VolumeMount {
  optional string name = 1;
  optional bool readOnly = 2;
  optional string recursiveReadOnly = 7;
  optional string mountPath = 3;
  optional string subPath = 4;
  optional string mountPropagation = 5;
  optional string subPathExpr = 6;
}
message VolumeDevice {
  optional string name = 1;
  optional string devicePath = 2;
}
message ExecAction { repeated string command = 1; }
message HTTPHeader {
  optional string name = 1;
  optional string value = 2 [(zero) = true];
}
message HTTPGetAction {
  optional string path = 1;
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString port = 2;
  optional string host = 3;
  optional string scheme = 4;
  repeated HTTPHeader httpHeaders = 5;
}
message TCPSocketAction {
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString port = 1;
  optional string host = 2;
}
message GRPCAction {
  optional int32 port = 1;
  optional string service = 2 [(zero) = true];
}
message SleepAction { optional int64 seconds = 1 [(zero) = true]; }
message ProbeHandler {
  optional ExecAction exec = 1;
  optional HTTPGetAction httpGet = 2;
  optional TCPSocketAction tcpSocket = 3;
  optional GRPCAction grpc = 4;
}
message Probe {
  optional ProbeHandler handler = 1 [(inline) = true];
  optional int32 initialDelaySeconds = 2;
  optional int32 timeoutSeconds = 3;
  optional int32 periodSeconds = 4;
  optional int32 successThreshold = 5;
  optional int32 failureThreshold = 6;
  optional int64 terminationGracePeriodSeconds = 7 [(zero) = true];
}
message LifecycleHandler {
  optional ExecAction exec = 1;
  optional HTTPGetAction httpGet = 2;
  optional TCPSocketAction tcpSocket = 3;
  optional SleepAction sleep = 4;
}
message Lifecycle {
  optional LifecycleHandler postStart = 1;
  optional LifecycleHandler preStop = 2;
  optional string stopSignal = 3;
}
message Capabilities {
  repeated string add = 1;
  repeated string drop = 2;
}
message SELinuxOptions {
  optional string user = 1;
  optional string role = 2;
  optional string type = 3;
  optional string level = 4;
}
message WindowsSecurityContextOptions {
  optional string gmsaCredentialSpecName = 1 [(zero) = true];
  optional string gmsaCredentialSpec = 2 [(zero) = true];
  optional string runAsUserName = 3 [(zero) = true];
  optional bool hostProcess = 4 [(zero) = true];
}
message SeccompProfile {
  optional string type = 1;
  optional string localhostProfile = 2 [(zero) = true];
}
message AppArmorProfile {
  optional string type = 1;
  optional string localhostProfile = 2 [(zero) = true];
}
message SecurityContext {
  optional Capabilities capabilities = 1;
  optional bool privileged = 2 [(zero) = true];
  optional SELinuxOptions seLinuxOptions = 3;
  optional WindowsSecurityContextOptions windowsOptions = 10;
  optional int64 runAsUser = 4 [(zero) = true];
  optional int64 runAsGroup = 8 [(zero) = true];
  optional bool runAsNonRoot = 5 [(zero) = true];
  optional bool readOnlyRootFilesystem = 6 [(zero) = true];
  optional bool allowPrivilegeEscalation = 7 [(zero) = true];
  optional string procMount = 9 [(zero) = true];
  optional SeccompProfile seccompProfile = 11;
  optional AppArmorProfile appArmorProfile = 12;
}
message ContainerResizePolicy {
  optional string resourceName = 1;
  optional string restartPolicy = 2;
}
message Container {
  optional string name = 1;
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvFromSource envFrom = 19;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  repeated ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24 [(zero) = true];
  repeated VolumeMount volumeMounts = 9;
  repeated VolumeDevice volumeDevices = 21;
  optional Probe livenessProbe = 10;
  optional Probe readinessProbe = 11;
  optional Probe startupProbe = 22;
  optional Lifecycle lifecycle = 12;
  optional string terminationMessagePath = 13;
  optional string terminationMessagePolicy = 20;
  optional string imagePullPolicy = 14;
  optional SecurityContext securityContext = 15;
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
}
message KeyToPath {
  optional string key = 1;
  optional string path = 2;
  optional int32 mode = 3 [(zero) = true];
}
message HostPathVolumeSource {
  optional string path = 1;
  optional string type = 2 [(zero) = true];
}
message EmptyDirVolumeSource {
  optional string medium = 1;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity sizeLimit = 2;
}
message SecretVolumeSource {
  optional string secretName = 1;
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(zero) = true];
  optional bool optional = 4 [(zero) = true];
}
message ConfigMapVolumeSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(zero) = true];
  optional bool optional = 4 [(zero) = true];
}
message NFSVolumeSource {
  optional string server = 1;
  optional string path = 2;
  optional bool readOnly = 3;
}
message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1;
  optional bool readOnly = 2;
}
message DownwardAPIVolumeFile {
  optional string path = 1;
  optional ObjectFieldSelector fieldRef = 2;
  optional ResourceFieldSelector resourceFieldRef = 3;
  optional int32 mode = 4 [(zero) = true];
}
message DownwardAPIVolumeSource {
  repeated DownwardAPIVolumeFile items = 1;
  optional int32 defaultMode = 2 [(zero) = true];
}
message DownwardAPIProjection { repeated DownwardAPIVolumeFile items = 1; }
message SecretProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(zero) = true];
}
message ConfigMapProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(zero) = true];
}
message ServiceAccountTokenProjection {
  optional string audience = 1;
  optional int64 expirationSeconds = 2 [(zero) = true];
  optional string path = 3;
}
message VolumeProjection {
  optional SecretProjection secret = 1;
  optional DownwardAPIProjection downwardAPI = 2;
  optional ConfigMapProjection configMap = 3;
  optional ServiceAccountTokenProjection serviceAccountToken = 4;
}
message ProjectedVolumeSource {
  repeated VolumeProjection sources = 1;
  optional int32 defaultMode = 2 [(zero) = true];
}
message CSIVolumeSource {
  optional string driver = 1;
  optional bool readOnly = 2 [(zero) = true];
  optional string fsType = 3 [(zero) = true];
  map<string, string> volumeAttributes = 4;
  optional LocalObjectReference nodePublishSecretRef = 5;
}
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1;
  optional EmptyDirVolumeSource emptyDir = 2;
  optional SecretVolumeSource secret = 6;
  optional NFSVolumeSource nfs = 7;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  optional DownwardAPIVolumeSource downwardAPI = 16;
  optional ConfigMapVolumeSource configMap = 19;
  optional ProjectedVolumeSource projected = 26;
  optional CSIVolumeSource csi = 28;
}
message Volume {
  optional string name = 1;
  optional VolumeSource volumeSource = 2 [(inline) = true];
}
message NodeSelectorRequirement {
  optional string key = 1;
  optional string operator = 2;
  repeated string values = 3;
}
message NodeSelectorTerm {
  repeated NodeSelectorRequirement matchExpressions = 1;
  repeated NodeSelectorRequirement matchFields = 2;
}
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1; }
message PreferredSchedulingTerm {
  optional int32 weight = 1 [(zero) = true];
  optional NodeSelectorTerm preference = 2;
}
message NodeAffinity {
  optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAffinityTerm {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector labelSelector = 1;
  repeated string namespaces = 2;
  optional string topologyKey = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector namespaceSelector = 4;
  repeated string matchLabelKeys = 5;
  repeated string mismatchLabelKeys = 6;
}
message WeightedPodAffinityTerm {
  optional int32 weight = 1 [(zero) = true];
  optional PodAffinityTerm podAffinityTerm = 2;
}
message PodAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAntiAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message Affinity {
  optional NodeAffinity nodeAffinity = 1;
  optional PodAffinity podAffinity = 2;
  optional PodAntiAffinity podAntiAffinity = 3;
}
message Toleration {
  optional string key = 1;
  optional string operator = 2;
  optional string value = 3;
  optional string effect = 4;
  optional int64 tolerationSeconds = 5 [(zero) = true];
}
message TopologySpreadConstraint {
  optional int32 maxSkew = 1 [(zero) = true];
  optional string topologyKey = 2;
  optional string whenUnsatisfiable = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector labelSelector = 4;
  optional int32 minDomains = 5 [(zero) = true];
  optional string nodeAffinityPolicy = 6 [(zero) = true];
  optional string nodeTaintsPolicy = 7 [(zero) = true];
  repeated string matchLabelKeys = 8;
}
message Sysctl {
  optional string name = 1;
  optional string value = 2 [(zero) = true];
}
message PodSecurityContext {
  optional SELinuxOptions seLinuxOptions = 1;
  optional WindowsSecurityContextOptions windowsOptions = 8;
  optional int64 runAsUser = 2 [(zero) = true];
  optional int64 runAsGroup = 6 [(zero) = true];
  optional bool runAsNonRoot = 3 [(zero) = true];
  repeated int64 supplementalGroups = 4;
  optional string supplementalGroupsPolicy = 12 [(zero) = true];
  optional int64 fsGroup = 5 [(zero) = true];
  repeated Sysctl sysctls = 7;
  optional string fsGroupChangePolicy = 9 [(zero) = true];
  optional SeccompProfile seccompProfile = 10;
  optional AppArmorProfile appArmorProfile = 11;
  optional string seLinuxChangePolicy = 13 [(zero) = true];
}
message HostAlias {
  optional string ip = 1;
  repeated string hostnames = 2;
}
message PodDNSConfigOption {
  optional string name = 1;
  optional string value = 2 [(zero) = true];
}
message PodDNSConfig {
  repeated string nameservers = 1;
  repeated string searches = 2;
  repeated PodDNSConfigOption options = 3;
}
message PodReadinessGate { optional string conditionType = 1; }
message PodOS { optional string name = 1; }
message PodSchedulingGate { optional string name = 1; }
message PodSpec {
  repeated Volume volumes = 1;
  repeated Container initContainers = 20;
  repeated Container containers = 2;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(zero) = true];
  optional int64 activeDeadlineSeconds = 5 [(zero) = true];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional bool automountServiceAccountToken = 21 [(zero) = true];
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  optional bool shareProcessNamespace = 27 [(zero) = true];
  optional PodSecurityContext securityContext = 14;
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional Affinity affinity = 18;
  optional string schedulerName = 19;
  repeated Toleration tolerations = 22;
  repeated HostAlias hostAliases = 23;
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(zero) = true];
  optional PodDNSConfig dnsConfig = 26;
  repeated PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29 [(zero) = true];
  optional bool enableServiceLinks = 30 [(zero) = true];
  optional string preemptionPolicy = 31 [(zero) = true];
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> overhead = 32;
  repeated TopologySpreadConstraint topologySpreadConstraints = 33;
  optional bool setHostnameAsFQDN = 35 [(zero) = true];
  optional PodOS os = 36;
  optional bool hostUsers = 37 [(zero) = true];
  repeated PodSchedulingGate schedulingGates = 38;
}
message ContainerStateWaiting {
  optional string reason = 1;
  optional string message = 2;
}
message ContainerStateRunning { optional k8s.io.apimachinery.pkg.apis.meta.v1.Time startedAt = 1; }
message ContainerStateTerminated {
  optional int32 exitCode = 1 [(zero) = true];
  optional int32 signal = 2;
  optional string reason = 3;
  optional string message = 4;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time startedAt = 5;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time finishedAt = 6;
  optional string containerID = 7;
}
message ContainerState {
  optional ContainerStateWaiting waiting = 1;
  optional ContainerStateRunning running = 2;
  optional ContainerStateTerminated terminated = 3;
}
message VolumeMountStatus {
  optional string name = 1;
  optional string mountPath = 2;
  optional bool readOnly = 3;
  optional string recursiveReadOnly = 4 [(zero) = true];
}
message ContainerStatus {
  optional string name = 1;
  optional ContainerState state = 2;
  optional ContainerState lastState = 3;
  optional bool ready = 4 [(zero) = true];
  optional int32 restartCount = 5 [(zero) = true];
  optional string image = 6 [(zero) = true];
  optional string imageID = 7 [(zero) = true];
  optional string containerID = 8;
  optional bool started = 9 [(zero) = true];
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> allocatedResources = 10;
  optional ResourceRequirements resources = 11;
  repeated VolumeMountStatus volumeMounts = 12;
}
message PodCondition {
  optional string type = 1;
  optional int64 observedGeneration = 7;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastProbeTime = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message PodIP { optional string ip = 1; }
message HostIP { optional string ip = 1; }
message PodStatus {
  optional int64 observedGeneration = 17;
  optional string phase = 1;
  repeated PodCondition conditions = 2;
  optional string message = 3;
  optional string reason = 4;
  optional string nominatedNodeName = 11;
  optional string hostIP = 5;
  repeated HostIP hostIPs = 16;
  optional string podIP = 6;
  repeated PodIP podIPs = 12;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time startTime = 7;
  repeated ContainerStatus initContainerStatuses = 10;
  repeated ContainerStatus containerStatuses = 8;
  optional string qosClass = 9;
  repeated ContainerStatus ephemeralContainerStatuses = 13;
  optional string resize = 14;
}
message Pod {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
  optional PodStatus status = 3;
}
message PodTemplateSpec {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
}
message Binding {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ObjectReference target = 2;
}
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message NamespaceStatus {
  optional string phase = 1;
  repeated NamespaceCondition conditions = 2;
}
message Namespace {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}
message Taint {
  optional string key = 1;
  optional string value = 2;
  optional string effect = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time timeAdded = 4;
}
message NodeSpec {
  optional string podCIDR = 1;
  repeated string podCIDRs = 7;
  optional string providerID = 3;
  optional bool unschedulable = 4;
  repeated Taint taints = 5;
  optional string externalID = 2;
}
message NodeCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastHeartbeatTime = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message NodeAddress {
  optional string type = 1;
  optional string address = 2;
}
message DaemonEndpoint { optional int32 Port = 1 [(zero) = true]; }
message NodeDaemonEndpoints { optional DaemonEndpoint kubeletEndpoint = 1; }
message NodeSwapStatus { optional int64 capacity = 1 [(zero) = true]; }
message NodeSystemInfo {
  optional string machineID = 1 [(zero) = true];
  optional string systemUUID = 2 [(zero) = true];
  optional string bootID = 3 [(zero) = true];
  optional string kernelVersion = 4 [(zero) = true];
  optional string osImage = 5 [(zero) = true];
  optional string containerRuntimeVersion = 6 [(zero) = true];
  optional string kubeletVersion = 7 [(zero) = true];
  optional string kubeProxyVersion = 8;
  optional string operatingSystem = 9 [(zero) = true];
  optional string architecture = 10 [(zero) = true];
  optional NodeSwapStatus swap = 11;
}
message ContainerImage {
  repeated string names = 1;
  optional int64 sizeBytes = 2;
}
message AttachedVolume {
  optional string name = 1;
  optional string devicePath = 2 [(zero) = true];
}
message NodeRuntimeHandlerFeatures {
  optional bool recursiveReadOnlyMounts = 1 [(zero) = true];
  optional bool userNamespaces = 2 [(zero) = true];
}
message NodeRuntimeHandler {
  optional string name = 1;
  optional NodeRuntimeHandlerFeatures features = 2;
}
message NodeFeatures { optional bool supplementalGroupsPolicy = 1 [(zero) = true]; }
message NodeStatus {
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> capacity = 1;
  map<string, k8s.io.apimachinery.pkg.api.resource.Quantity> allocatable = 2;
  optional string phase = 3;
  repeated NodeCondition conditions = 4;
  repeated NodeAddress addresses = 5;
  optional NodeDaemonEndpoints daemonEndpoints = 6;
  optional NodeSystemInfo nodeInfo = 7;
  repeated ContainerImage images = 8;
  repeated string volumesInUse = 9;
  repeated AttachedVolume volumesAttached = 10;
  repeated NodeRuntimeHandler runtimeHandlers = 12;
  optional NodeFeatures features = 13;
}
message Node {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional NodeSpec spec = 2;
  optional NodeStatus status = 3;
}
message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional string appProtocol = 6 [(zero) = true];
  optional int32 port = 3 [(zero) = true];
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString targetPort = 4;
  optional int32 nodePort = 5;
}
message ClientIPConfig { optional int32 timeoutSeconds = 1 [(zero) = true]; }
message SessionAffinityConfig { optional ClientIPConfig clientIP = 1; }
message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  repeated string clusterIPs = 18;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional SessionAffinityConfig sessionAffinityConfig = 14;
  repeated string ipFamilies = 19;
  optional string ipFamilyPolicy = 17 [(zero) = true];
  optional bool allocateLoadBalancerNodePorts = 20 [(zero) = true];
  optional string loadBalancerClass = 21 [(zero) = true];
  optional string internalTrafficPolicy = 22 [(zero) = true];
  optional string trafficDistribution = 23 [(zero) = true];
}
message PortStatus {
  optional int32 port = 1 [(zero) = true];
  optional string protocol = 2 [(zero) = true];
  optional string error = 3 [(zero) = true];
}
message LoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  optional string ipMode = 3 [(zero) = true];
  repeated PortStatus ports = 4;
}
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message ServiceStatus {
  optional LoadBalancerStatus loadBalancer = 1;
  repeated k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 2;
}
message Service {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ServiceSpec spec = 2;
  optional ServiceStatus status = 3;
}
message EndpointAddress {
  optional string ip = 1;
  optional string hostname = 3;
  optional string nodeName = 4 [(zero) = true];
  optional ObjectReference targetRef = 2;
}
message EndpointPort {
  optional string name = 1;
  optional int32 port = 2 [(zero) = true];
  optional string protocol = 3;
  optional string appProtocol = 4 [(zero) = true];
}
message EndpointSubset {
  repeated EndpointAddress addresses = 1;
  repeated EndpointAddress notReadyAddresses = 2;
  repeated EndpointPort ports = 3;
}
message Endpoints {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated EndpointSubset subsets = 2;
}
message ConfigMap {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional bool immutable = 4 [(zero) = true];
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
}
message Secret {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional bool immutable = 5 [(zero) = true];
  map<string, bytes> data = 2;
  map<string, string> stringData = 4;
  optional string type = 3;
}
message EventSource {
  optional string component = 1;
  optional string host = 2;
}
message EventSeries {
  optional int32 count = 1;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime lastObservedTime = 2;
}
message Event {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ObjectReference involvedObject = 2;
  optional string reason = 3;
  optional string message = 4;
  optional EventSource source = 5;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time firstTimestamp = 6;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTimestamp = 7;
  optional int32 count = 8;
  optional string type = 9;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime eventTime = 10;
  optional EventSeries series = 11;
  optional string action = 12;
  optional ObjectReference related = 13;
  optional string reportingComponent = 14;
  optional string reportingInstance = 15;
}
`;

const APPS = `
syntax = "proto2";
package k8s.io.api.apps.v1;
message RollingUpdateDeployment {
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 1 [(zero) = true];
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString maxSurge = 2 [(zero) = true];
}
message DeploymentStrategy {
  optional string type = 1;
  optional RollingUpdateDeployment rollingUpdate = 2;
}
message DeploymentSpec {
  optional int32 replicas = 1 [(zero) = true];
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional k8s.io.api.core.v1.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(zero) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(zero) = true];
}
message DeploymentCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastUpdateTime = 6;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 7;
  optional string reason = 4;
  optional string message = 5;
}
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  optional int32 terminatingReplicas = 9 [(zero) = true];
  repeated DeploymentCondition conditions = 6;
  optional int32 collisionCount = 8 [(zero) = true];
}
message Deployment {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional DeploymentSpec spec = 2;
  optional DeploymentStatus status = 3;
}
message ReplicaSetSpec {
  optional int32 replicas = 1 [(zero) = true];
  optional int32 minReadySeconds = 4;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional k8s.io.api.core.v1.PodTemplateSpec template = 3;
}
message ReplicaSetCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message ReplicaSetStatus {
  optional int32 replicas = 1 [(zero) = true];
  optional int32 fullyLabeledReplicas = 2;
  optional int32 readyReplicas = 4;
  optional int32 availableReplicas = 5;
  optional int32 terminatingReplicas = 7 [(zero) = true];
  optional int64 observedGeneration = 3;
  repeated ReplicaSetCondition conditions = 6;
}
message ReplicaSet {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ReplicaSetSpec spec = 2;
  optional ReplicaSetStatus status = 3;
}
`;

const AUTOSCALING_V1 = `
syntax = "proto2";
package k8s.io.api.autoscaling.v1;
message ScaleSpec { optional int32 replicas = 1; }
message ScaleStatus {
  optional int32 replicas = 1 [(zero) = true];
  optional string selector = 2;
}
message Scale {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ScaleSpec spec = 2;
  optional ScaleStatus status = 3;
}
`;

const AUTOSCALING_V2 = `
syntax = "proto2";
package k8s.io.api.autoscaling.v2;
message CrossVersionObjectReference {
  optional string kind = 1;
  optional string name = 2;
  optional string apiVersion = 3;
}
message MetricIdentifier {
  optional string name = 1;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
}
message MetricTarget {
  optional string type = 1;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity value = 2;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity averageValue = 3;
  optional int32 averageUtilization = 4 [(zero) = true];
}
message MetricValueStatus {
  optional k8s.io.apimachinery.pkg.api.resource.Quantity value = 1;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity averageValue = 2;
  optional int32 averageUtilization = 3 [(zero) = true];
}
message ObjectMetricSource {
  optional CrossVersionObjectReference describedObject = 1;
  optional MetricTarget target = 2;
  optional MetricIdentifier metric = 3;
}
message PodsMetricSource {
  optional MetricIdentifier metric = 1;
  optional MetricTarget target = 2;
}
message ResourceMetricSource {
  optional string name = 1;
  optional MetricTarget target = 2;
}
message ContainerResourceMetricSource {
  optional string name = 1;
  optional MetricTarget target = 2;
  optional string container = 3;
}
message ExternalMetricSource {
  optional MetricIdentifier metric = 1;
  optional MetricTarget target = 2;
}
message MetricSpec {
  optional string type = 1;
  optional ObjectMetricSource object = 2;
  optional PodsMetricSource pods = 3;
  optional ResourceMetricSource resource = 4;
  optional ContainerResourceMetricSource containerResource = 7;
  optional ExternalMetricSource external = 5;
}
message ObjectMetricStatus {
  optional MetricIdentifier metric = 1;
  optional MetricValueStatus current = 2;
  optional CrossVersionObjectReference describedObject = 3;
}
message PodsMetricStatus {
  optional MetricIdentifier metric = 1;
  optional MetricValueStatus current = 2;
}
message ResourceMetricStatus {
  optional string name = 1;
  optional MetricValueStatus current = 2;
}
message ContainerResourceMetricStatus {
  optional string name = 1;
  optional MetricValueStatus current = 2;
  optional string container = 3;
}
message ExternalMetricStatus {
  optional MetricIdentifier metric = 1;
  optional MetricValueStatus current = 2;
}
message MetricStatus {
  optional string type = 1;
  optional ObjectMetricStatus object = 2;
  optional PodsMetricStatus pods = 3;
  optional ResourceMetricStatus resource = 4;
  optional ContainerResourceMetricStatus containerResource = 7;
  optional ExternalMetricStatus external = 5;
}
message HPAScalingPolicy {
  optional string type = 1;
  optional int32 value = 2 [(zero) = true];
  optional int32 periodSeconds = 3 [(zero) = true];
}
message HPAScalingRules {
  optional int32 stabilizationWindowSeconds = 3 [(zero) = true];
  optional string selectPolicy = 1 [(zero) = true];
  repeated HPAScalingPolicy policies = 2;
  optional k8s.io.apimachinery.pkg.api.resource.Quantity tolerance = 4;
}
message HorizontalPodAutoscalerBehavior {
  optional HPAScalingRules scaleUp = 1;
  optional HPAScalingRules scaleDown = 2;
}
message HorizontalPodAutoscalerSpec {
  optional CrossVersionObjectReference scaleTargetRef = 1;
  optional int32 minReplicas = 2 [(zero) = true];
  optional int32 maxReplicas = 3 [(zero) = true];
  repeated MetricSpec metrics = 4;
  optional HorizontalPodAutoscalerBehavior behavior = 5;
}
message HorizontalPodAutoscalerCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message HorizontalPodAutoscalerStatus {
  optional int64 observedGeneration = 1 [(zero) = true];
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastScaleTime = 2;
  optional int32 currentReplicas = 3;
  optional int32 desiredReplicas = 4 [(zero) = true];
  repeated MetricStatus currentMetrics = 5;
  repeated HorizontalPodAutoscalerCondition conditions = 6;
}
message HorizontalPodAutoscaler {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional HorizontalPodAutoscalerSpec spec = 2;
  optional HorizontalPodAutoscalerStatus status = 3;
}
`;

const BATCH = `
syntax = "proto2";
package k8s.io.api.batch.v1;
message PodFailurePolicyOnExitCodesRequirement {
  optional string containerName = 1 [(zero) = true];
  optional string operator = 2;
  repeated int32 values = 3;
}
message PodFailurePolicyOnPodConditionsPattern {
  optional string type = 1;
  optional string status = 2;
}
message PodFailurePolicyRule {
  optional string action = 1;
  optional PodFailurePolicyOnExitCodesRequirement onExitCodes = 2;
  repeated PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}
message PodFailurePolicy { repeated PodFailurePolicyRule rules = 1; }
message SuccessPolicyRule {
  optional string succeededIndexes = 1 [(zero) = true];
  optional int32 succeededCount = 2 [(zero) = true];
}
message SuccessPolicy { repeated SuccessPolicyRule rules = 1; }
message JobSpec {
  optional int32 parallelism = 1 [(zero) = true];
  optional int32 completions = 2 [(zero) = true];
  optional int64 activeDeadlineSeconds = 3 [(zero) = true];
  optional PodFailurePolicy podFailurePolicy = 11;
  optional SuccessPolicy successPolicy = 16;
  optional int32 backoffLimit = 7 [(zero) = true];
  optional int32 backoffLimitPerIndex = 12 [(zero) = true];
  optional int32 maxFailedIndexes = 13 [(zero) = true];
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 4;
  optional bool manualSelector = 5 [(zero) = true];
  optional k8s.io.api.core.v1.PodTemplateSpec template = 6;
  optional int32 ttlSecondsAfterFinished = 8 [(zero) = true];
  optional string completionMode = 9 [(zero) = true];
  optional bool suspend = 10 [(zero) = true];
  optional string podReplacementPolicy = 14 [(zero) = true];
  optional string managedBy = 15 [(zero) = true];
}
message JobCondition {
  optional string type = 1;
  optional string status = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastProbeTime = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message UncountedTerminatedPods {
  repeated string succeeded = 1;
  repeated string failed = 2;
}
message JobStatus {
  repeated JobCondition conditions = 1;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time startTime = 2;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time completionTime = 3;
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional int32 terminating = 11 [(zero) = true];
  optional string completedIndexes = 7;
  optional string failedIndexes = 10 [(zero) = true];
  optional UncountedTerminatedPods uncountedTerminatedPods = 8;
  optional int32 ready = 9 [(zero) = true];
}
message Job {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
  optional JobStatus status = 3;
}
message JobTemplateSpec {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
}
message CronJobSpec {
  optional string schedule = 1;
  optional string timeZone = 8 [(zero) = true];
  optional int64 startingDeadlineSeconds = 2 [(zero) = true];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(zero) = true];
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 [(zero) = true];
  optional int32 failedJobsHistoryLimit = 7 [(zero) = true];
}
message CronJobStatus {
  repeated k8s.io.api.core.v1.ObjectReference active = 1;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastScheduleTime = 4;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.Time lastSuccessfulTime = 5;
}
message CronJob {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional CronJobSpec spec = 2;
  optional CronJobStatus status = 3;
}
`;

const COORDINATION = `
syntax = "proto2";
package k8s.io.api.coordination.v1;
message LeaseSpec {
  optional string holderIdentity = 1 [(zero) = true];
  optional int32 leaseDurationSeconds = 2 [(zero) = true];
  optional k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime acquireTime = 3;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime renewTime = 4;
  optional int32 leaseTransitions = 5 [(zero) = true];
  optional string strategy = 6 [(zero) = true];
  optional string preferredHolder = 7 [(zero) = true];
}
message Lease {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional LeaseSpec spec = 2;
}
`;

const POLICY = `
syntax = "proto2";
package k8s.io.api.policy.v1;
message PodDisruptionBudgetSpec {
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString minAvailable = 1 [(zero) = true];
  optional k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 3 [(zero) = true];
  optional string unhealthyPodEvictionPolicy = 4 [(zero) = true];
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, k8s.io.apimachinery.pkg.apis.meta.v1.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(zero) = true];
  optional int32 currentHealthy = 4 [(zero) = true];
  optional int32 desiredHealthy = 5 [(zero) = true];
  optional int32 expectedPods = 6 [(zero) = true];
  repeated k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 7;
}
message PodDisruptionBudget {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional PodDisruptionBudgetSpec spec = 2;
  optional PodDisruptionBudgetStatus status = 3;
}
message Eviction {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions deleteOptions = 2;
}
`;

/** The .proto sources, one per Kubernetes package; parse them all into one protobufjs root. */
export const K8S_PROTO_SOURCES: readonly string[] = [
  RESOURCE,
  INTSTR,
  RUNTIME,
  META,
  CORE,
  APPS,
  AUTOSCALING_V1,
  AUTOSCALING_V2,
  BATCH,
  COORDINATION,
  POLICY,
];

/** The protobuf package of an API group and version: "k8s.io.api.apps.v1", meta.k8s.io's own. */
export function protoPackageOf(group: string, version: string): string {
  if (group === "") return `k8s.io.api.core.${version}`;
  if (group === "meta.k8s.io") return `k8s.io.apimachinery.pkg.apis.meta.${version}`;
  return `k8s.io.api.${group.replace(/\.k8s\.io$/, "")}.${version}`;
}
