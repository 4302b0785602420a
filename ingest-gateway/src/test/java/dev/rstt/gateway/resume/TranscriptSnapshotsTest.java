package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TranscriptSnapshotsTest {

  @Test
  void theMergersTranscriptBecomesOneUpsertAndTheLatestStatus() {
    String json = "{\"session_id\":\"S1\",\"user_id\":\"alice\",\"segments\":["
        + "{\"id\":\"a\",\"text\":\"w001 w002\",\"speaker\":\"SPEAKER_0\",\"speaker_id\":0,\"is_user\":false,"
        + "\"person_id\":null,\"start\":0.5,\"end\":1.5,\"stt_provider\":\"deepgram\",\"stt_session\":\"X\"},"
        + "{\"id\":\"b\",\"text\":\"w003\",\"speaker\":\"SPEAKER_1\",\"speaker_id\":1,\"is_user\":false,"
        + "\"person_id\":null,\"start\":2.0,\"end\":2.4,\"stt_provider\":\"deepgram\",\"stt_session\":\"Y\"}],"
        + "\"statuses\":[{\"status\":\"ready\",\"status_text\":null,\"metadata\":{},\"occurred_at_ms\":1},"
        + "{\"status\":\"stt_degraded\",\"status_text\":\"down\",\"metadata\":{\"batch_mode\":\"true\"},"
        + "\"occurred_at_ms\":2}],\"complete\":false,\"revision\":7}";
    TranscriptSnapshots.Snapshot snapshot = TranscriptSnapshots.parse(json);
    assertThat(snapshot.revision()).isEqualTo(7);
    assertThat(snapshot.frames()).hasSize(2);
    assertThat(snapshot.frames().get(0)).startsWith("[").contains("\"id\":\"a\"", "\"id\":\"b\"", "w001 w002");
    assertThat(snapshot.frames().get(1)).contains("\"status\":\"stt_degraded\"", "\"batch_mode\":true");
  }

  @Test
  void anEmptyTranscriptSendsNothing() {
    TranscriptSnapshots.Snapshot snapshot = TranscriptSnapshots.parse(
        "{\"session_id\":\"S1\",\"segments\":[],\"statuses\":[],\"complete\":false,\"revision\":0}");
    assertThat(snapshot.frames()).isEmpty();
  }
}
