package io.fleetplan.global.executor.kubernetes;

import io.fleetplan.common.pool.SubType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the worker components of a DynamoGraphDeployment from its JSON form (v1alpha1 {@code spec.services} map or
 * v1beta1 {@code spec.components} list). GPUs per replica, in order: {@code resources.limits.gpu} (x multinode
 * nodeCount), the main container's {@code nvidia.com/gpu} limit (then request), the operator's
 * {@code status.<services|components>.<name>.gpusPerReplica}; 0 when none says.
 */
public final class DgdComponents {

    /**
     * One component.
     *
     * @param subType        null for components that are not workers (frontend, planner, router...)
     * @param statusReplicas pods of the component per the DGD status; null when the status does not say
     */
    public record Component(
            String name,
            SubType subType,
            int gpusPerReplica,
            Integer specReplicas,
            Integer statusReplicas,
            Integer readyReplicas,
            boolean scalingAdapter) {}

    private DgdComponents() {}

    @SuppressWarnings("unchecked")
    public static List<Component> read(Map<String, Object> dgd) {
        Map<String, Object> spec = map(dgd.get("spec"));
        Map<String, Object> status = map(dgd.get("status"));
        Map<String, Object> statusByName =
                map(status.containsKey("components") ? status.get("components") : status.get("services"));
        List<Component> out = new ArrayList<>();
        if (spec.get("services") instanceof Map<?, ?> services) {
            for (Map.Entry<?, ?> e : services.entrySet()) {
                Map<String, Object> svc = map(e.getValue());
                String name = String.valueOf(e.getKey());
                SubType t = subType(str(svc.get("subComponentType")), str(svc.get("componentType")));
                int nodes = Math.max(1, integer(map(svc.get("multinode")).get("nodeCount"), 1));
                Integer gpu =
                        quantity(map(map(svc.get("resources")).get("limits")).get("gpu"));
                if (gpu == null) {
                    gpu = containerGpu(map(map(svc.get("extraPodSpec")).get("mainContainer")));
                }
                out.add(component(
                        name,
                        t,
                        gpu == null ? null : gpu * nodes,
                        svc,
                        statusByName,
                        Boolean.TRUE.equals(map(svc.get("scalingAdapter")).get("enabled"))));
            }
        } else if (spec.get("components") instanceof List<?> components) {
            for (Object o : components) {
                Map<String, Object> c = map(o);
                String name = str(c.get("name"));
                SubType t = subType(null, str(c.get("type")));
                Integer gpu =
                        quantity(map(map(c.get("resources")).get("limits")).get("gpu"));
                if (gpu == null) {
                    gpu = mainContainerGpu(map(map(c.get("podTemplate")).get("spec")));
                }
                out.add(component(name, t, gpu, c, statusByName, c.containsKey("scalingAdapter")));
            }
        }
        return out;
    }

    private static Component component(
            String name,
            SubType t,
            Integer specGpu,
            Map<String, Object> svc,
            Map<String, Object> statusByName,
            boolean adapter) {
        Map<String, Object> st = map(statusByName.get(name));
        int gpu = specGpu != null ? specGpu : integer(st.get("gpusPerReplica"), 0);
        Integer specReplicas = svc.containsKey("replicas") ? integer(svc.get("replicas"), 1) : Integer.valueOf(1);
        Integer statusReplicas = st.containsKey("replicas") ? quantity(st.get("replicas")) : null;
        Integer ready = st.containsKey("availableReplicas")
                ? quantity(st.get("availableReplicas"))
                : st.containsKey("readyReplicas") ? quantity(st.get("readyReplicas")) : null;
        return new Component(name, t, gpu, specReplicas, statusReplicas, ready, adapter);
    }

    /** prefill/decode from subComponentType, else componentType (worker = aggregated); null = not a worker. */
    static SubType subType(String subComponentType, String componentType) {
        for (String s : new String[] {subComponentType, componentType}) {
            if (s == null) {
                continue;
            }
            switch (s.toLowerCase(Locale.ROOT)) {
                case "prefill":
                    return SubType.PREFILL;
                case "decode":
                    return SubType.DECODE;
                case "worker":
                    return SubType.AGGREGATED;
                default:
                    break;
            }
        }
        return null;
    }

    private static Integer mainContainerGpu(Map<String, Object> podSpec) {
        if (podSpec.get("containers") instanceof List<?> containers) {
            Map<String, Object> main = null;
            for (Object o : containers) {
                Map<String, Object> c = map(o);
                if ("main".equals(c.get("name")) || main == null) {
                    main = c;
                }
            }
            return main == null ? null : containerGpu(main);
        }
        return null;
    }

    private static Integer containerGpu(Map<String, Object> container) {
        Map<String, Object> res = map(container.get("resources"));
        Integer g = quantity(map(res.get("limits")).get("nvidia.com/gpu"));
        return g != null ? g : quantity(map(res.get("requests")).get("nvidia.com/gpu"));
    }

    static Integer quantity(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return (int) Math.ceil(n.doubleValue());
        }
        if (v instanceof Map<?, ?> m && m.get("amount") != null) {
            return quantity(m.get("amount"));
        }
        try {
            return (int) Math.ceil(Double.parseDouble(String.valueOf(v).trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int integer(Object v, int fallback) {
        Integer q = quantity(v);
        return q == null ? fallback : q;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
