package dev.rstt.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

class InternalCredentialTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-internal";

  @Test
  void shouldAcceptOnlyTheBearerSecret() {
    InternalCredential credential = InternalCredential.of(SECRET);
    assertThat(credential.required()).isTrue();
    assertThat(credential.authorizationHeader()).contains("Bearer " + SECRET);
    assertThat(credential.accepts("Bearer " + SECRET)).isTrue();
    assertThat(credential.accepts("bearer " + SECRET)).isTrue();
    assertThat(credential.accepts(null)).isFalse();
    assertThat(credential.accepts("")).isFalse();
    assertThat(credential.accepts("Bearer ")).isFalse();
    assertThat(credential.accepts(SECRET)).isFalse();
    assertThat(credential.accepts("Basic " + SECRET)).isFalse();
    assertThat(credential.accepts("Bearer " + SECRET + "x")).isFalse();
    assertThat(credential.accepts("Bearer " + SECRET.substring(1))).isFalse();
    assertThat(credential.toString()).doesNotContain(SECRET);
  }

  @Test
  void shouldTakeEveryCallWithoutASecret() {
    InternalCredential none = InternalCredential.of("  ");
    assertThat(none.required()).isFalse();
    assertThat(none.authorizationHeader()).isEmpty();
    assertThat(none.accepts(null)).isTrue();
  }

  @Test
  void shouldRequireALongSecretUnlessInDevelopmentMode() {
    Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
    assertThat(validator.validate(props(false, ""))).singleElement()
        .satisfies(v -> assertThat(v.getMessage()).contains("rstt.internal.secret").contains("RSTT_INTERNAL_SECRET")
            .contains("rstt.dev-mode"));
    assertThat(validator.validate(props(false, "short"))).hasSize(1);
    assertThat(validator.validate(props(true, "short"))).hasSize(1);
    assertThat(validator.validate(props(false, SECRET))).isEmpty();
    assertThat(validator.validate(props(true, ""))).isEmpty();
  }

  private static InternalAuthProperties props(boolean dev, String secret) {
    return new InternalAuthProperties(dev, new InternalAuthProperties.Internal(secret));
  }
}
