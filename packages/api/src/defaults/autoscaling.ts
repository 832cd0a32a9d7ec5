import type { HorizontalPodAutoscaler, HPAScalingRules } from "../schemas/autoscaling.js";

const DEFAULT_CPU_UTILIZATION = 80;

function fill(rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(rules ?? {}).filter(([, v]) => v !== undefined)),
  };
}

/**
 * `SetDefaults_HorizontalPodAutoscaler` (autoscaling/v2): one replica at least, 80% CPU when no
 * metric is given, and each part of a given behavior completed. Scale-down stabilization stays
 * unset, as in Kubernetes: the controller applies its own default (5 minutes).
 */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = hpa.spec;
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION },
        },
      },
    ];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fill(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    });
    spec.behavior.scaleDown = fill(spec.behavior.scaleDown, {
      selectPolicy: "Max",
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    });
  }
}
