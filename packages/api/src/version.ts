/** The minik8s release, shown by `minik8s --version` and `mkctl version`. */
export const MINIK8S_VERSION = "0.1.0";

/**
 * The Kubernetes API version minik8s speaks. kubectl on these machines is a dispatcher that picks
 * its bundled client by the server's minor version, so we report one it has.
 */
export const KUBERNETES_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: `v1.32.0+minik8s-${MINIK8S_VERSION}`,
};
