package io.fleetplan.router.global;

import org.jspecify.annotations.Nullable;

/**
 * What the GlobalRouter knows about a request when it picks pools.
 *
 * @param isl          prompt tokens (also the decode context length: OSL is not predicted, as in Dynamo)
 * @param ttftTargetMs the request's TTFT target, null = config default or grid middle
 * @param itlTargetMs  the request's ITL target, null = config default or grid middle
 * @param priority     nvext.agent_hints.priority, null = none
 */
public record PoolQuery(
        int isl,
        @Nullable Double ttftTargetMs,
        @Nullable Double itlTargetMs,
        @Nullable Integer priority) {}
