package dev.rstt.gateway.updates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AppMessagesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void shouldRenderDeletionsUpsertsAndStatusInThatOrder() {
    TranscriptSegment seg = TranscriptSegment.newBuilder().setId("s1").setText("w001 w002").setSpeaker("SPEAKER_1")
        .setSpeakerId(1).setIsUser(true).setPersonId("p9").setStart(1.25).setEnd(2.5).setSttProvider(null)
        .setSttSession("01J").build();
    SessionUpdate update = SessionUpdate.newBuilder().setSessionId("x").setRevision(7).setSegments(List.of(seg))
        .setRemovedSegmentIds(List.of("old"))
        .setStatus(StatusEvent.newBuilder().setStatus("stt_degraded").setStatusText("DG down")
            .setMetadata(Map.of("batch_mode", "true", "batch_interval_seconds", "30", "reason", "breaker_open",
                "ratio", "0.5"))
            .build())
        .setComplete(false).build();
    List<String> frames = AppMessages.render(update);
    assertThat(frames).hasSize(3);
    JsonNode deleted = JSON.readTree(frames.get(0));
    assertThat(deleted.path("type").asString()).isEqualTo("segments_deleted");
    assertThat(deleted.path("segment_ids").get(0).asString()).isEqualTo("old");
    JsonNode array = JSON.readTree(frames.get(1));
    assertThat(array.isArray()).isTrue();
    JsonNode s = array.get(0);
    assertThat(s.propertyNames()).containsExactlyInAnyOrder("id", "text", "speaker", "speaker_id", "is_user",
        "person_id", "start", "end", "translations", "speech_profile_processed", "stt_provider", "stt_session");
    assertThat(s.path("is_user").asBoolean()).isTrue();
    assertThat(s.path("person_id").asString()).isEqualTo("p9");
    assertThat(s.path("start").asDouble()).isEqualTo(1.25);
    assertThat(s.path("stt_provider").isNull()).isTrue();
    assertThat(s.path("translations").size()).isZero();
    JsonNode status = JSON.readTree(frames.get(2));
    assertThat(status.path("type").asString()).isEqualTo("service_status");
    JsonNode metadata = status.path("metadata");
    assertThat(metadata.path("batch_mode").isBoolean()).isTrue();
    assertThat(metadata.path("batch_interval_seconds").isIntegralNumber()).isTrue();
    assertThat(metadata.path("batch_interval_seconds").asInt()).isEqualTo(30);
    assertThat(metadata.path("ratio").isDouble()).isTrue();
    assertThat(metadata.path("reason").isString()).isTrue();
  }

  @Test
  void shouldRenderStatusWithoutMetadataAsNullAndErrorsWithRetryHint() {
    JsonNode ready = JSON.readTree(AppMessages.serviceStatus("ready", null, Map.of()));
    assertThat(ready.path("metadata").isNull()).isTrue();
    assertThat(ready.path("status_text").isNull()).isTrue();
    JsonNode error = JSON.readTree(AppMessages.error("connect_rate", "slow down", Duration.ofMillis(1500)));
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("retry_after_seconds").asInt()).isEqualTo(2);
    assertThat(JSON.readTree(AppMessages.error("x", "y", null)).has("retry_after_seconds")).isFalse();
  }

  @Test
  void shouldRenderAnEmptyUpdateAsNothing() {
    SessionUpdate empty = SessionUpdate.newBuilder().setSessionId("x").setRevision(1).setSegments(List.of())
        .setRemovedSegmentIds(List.of()).setStatus(null).setComplete(true).build();
    assertThat(AppMessages.render(empty)).isEmpty();
  }
}
