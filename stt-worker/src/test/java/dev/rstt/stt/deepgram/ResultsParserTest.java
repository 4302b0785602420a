package dev.rstt.stt.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultsParserTest {

  private static final String FINAL = """
      {"type":"Results","channel_index":[0,1],"duration":1.25,"start":2.5,"is_final":true,"speech_final":true,
       "channel":{"alternatives":[{"transcript":"w042 w107.","confidence":0.99,"words":[
         {"word":"w042","start":2.6,"end":2.86,"confidence":0.98,"punctuated_word":"W042","speaker":1},
         {"word":"w107","start":3.1,"end":3.36,"confidence":0.97,"punctuated_word":"w107.","speaker":0}]}]},
       "metadata":{"request_id":"r","model_info":{"name":"n","version":"v","arch":"a"},"model_uuid":"u"},
       "from_finalize":true}
      """;

  @Test
  void shouldParseFinalResultsWithWordsSpeakersAndWindow() {
    FinalResult r = ResultsParser.parseFinal(FINAL).orElseThrow();
    assertThat(r.start()).isEqualTo(2.5);
    assertThat(r.cursor()).isEqualTo(3.75);
    assertThat(r.fromFinalize()).isTrue();
    assertThat(r.words()).extracting(FinalResult.Word::text).containsExactly("W042", "w107.");
    assertThat(r.words()).extracting(FinalResult.Word::speaker).containsExactly(1, 0);
    assertThat(r.words().get(1).start()).isEqualTo(3.1);
  }

  @Test
  void shouldIgnoreInterimResultsAndOtherMessages() {
    assertThat(ResultsParser.parseFinal(FINAL.replace("\"is_final\":true", "\"is_final\":false"))).isEmpty();
    assertThat(ResultsParser.parseFinal("{\"type\":\"Metadata\",\"request_id\":\"x\"}")).isEmpty();
    assertThat(ResultsParser.parseFinal("{\"type\":\"UtteranceEnd\",\"channel\":[0,1],\"last_word_end\":1.0}"))
        .isEmpty();
  }

  @Test
  void shouldAcceptAnEmptyFinalAsACursorAdvance() {
    String empty = "{\"type\":\"Results\",\"start\":0.0,\"duration\":3.0,\"is_final\":true,"
        + "\"channel\":{\"alternatives\":[{\"transcript\":\"\",\"confidence\":0.0,\"words\":[]}]}}";
    FinalResult r = ResultsParser.parseFinal(empty).orElseThrow();
    assertThat(r.words()).isEmpty();
    assertThat(r.cursor()).isEqualTo(3.0);
  }

  @Test
  void shouldUseTheRawWordWhenNotPunctuatedAndNoSpeakerWhenNotDiarized() {
    String raw = "{\"type\":\"Results\",\"start\":0,\"duration\":1,\"is_final\":true,\"channel\":{\"alternatives\":"
        + "[{\"words\":[{\"word\":\"w001\",\"start\":0.1,\"end\":0.36,\"confidence\":0.9}]}]}}";
    FinalResult.Word w = ResultsParser.parseFinal(raw).orElseThrow().words().get(0);
    assertThat(w.text()).isEqualTo("w001");
    assertThat(w.speaker()).isEqualTo(-1);
  }
}
