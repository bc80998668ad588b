package io.fleetplan.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** One-line description of a config record component, shown in the generated config reference. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface ConfigDoc {
    String value();

    /**
     * How the default reads in the reference when it is not a constant (it depends on the machine or on other
     * fields, or the field is required); empty = the value of an instance built from the kind's reference example.
     */
    String shownDefault() default "";
}
