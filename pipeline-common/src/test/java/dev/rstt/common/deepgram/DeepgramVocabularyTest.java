package dev.rstt.common.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeepgramVocabularyTest {

  @Test
  void shouldSendKeytermToNova3AndKeywordsToOtherModelsOnePerTermEncoded() {
    assertThat(DeepgramVocabulary.query("nova-3", List.of("Omi", "tone word")))
        .isEqualTo("&keyterm=Omi&keyterm=tone%20word");
    assertThat(DeepgramVocabulary.query("nova-3-medical", List.of("a&b"))).isEqualTo("&keyterm=a%26b");
    assertThat(DeepgramVocabulary.query("nova-2-general", List.of("Omi"))).isEqualTo("&keywords=Omi");
    assertThat(DeepgramVocabulary.query("base", List.of("Omi"))).isEqualTo("&keywords=Omi");
  }

  @Test
  void shouldSendNothingWithoutTerms() {
    assertThat(DeepgramVocabulary.query("nova-3", List.of())).isEmpty();
    assertThat(DeepgramVocabulary.query("nova-3", null)).isEmpty();
  }
}
