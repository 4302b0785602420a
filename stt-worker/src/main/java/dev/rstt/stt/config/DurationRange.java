package dev.rstt.stt.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;

/** A {@link Duration} within [min, max] (Spring duration syntax: {@code 100ms}, {@code 5s}). */
@Documented
@Constraint(validatedBy = DurationRange.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface DurationRange {

  String min() default "0s";

  String max() default "3650d";

  String message() default "must be between {min} and {max}";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  final class Validator implements ConstraintValidator<DurationRange, Duration> {
    private Duration min;
    private Duration max;

    @Override
    public void initialize(DurationRange range) {
      min = DurationStyle.detectAndParse(range.min());
      max = DurationStyle.detectAndParse(range.max());
    }

    @Override
    public boolean isValid(Duration value, ConstraintValidatorContext context) {
      return value == null || (value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
    }
  }
}
