package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.emulator.internal.BadRequestException;
import dev.rstt.emulator.internal.Faults;
import dev.rstt.emulator.internal.ListenParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsAndParsingTest {

  @Test
  void shouldDefaultAndValidateSettingsNamingKeyAndValue() {
    EmulatorSettings d = EmulatorSettings.defaults();
    assertThat(d.port()).isEqualTo(8090);
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.apiKeys()).isEmpty();
    assertThat(d.maxLiveConnections()).isEqualTo(2000);
    assertThatThrownBy(() -> d.withPort(70000)).hasMessageContaining("port=70000");
    assertThatThrownBy(() -> d.withIdleTimeout(Duration.ZERO)).hasMessageContaining("idle-timeout=PT0S");
    assertThatThrownBy(() -> d.withApiKeys(Set.of(" "))).hasMessageContaining("api-keys");
    assertThatThrownBy(() -> d.withMaxLiveConnections(0)).hasMessageContaining("max-live-connections=0");
  }

  @Test
  void shouldReadCommandLineOverEnvironment() {
    EmulatorSettings s = Main.settings(new String[] {"--port", "9001", "--idle-timeout=750ms"},
        Map.of("EMULATOR_PORT", "9000", "EMULATOR_API_KEYS", "a, b", "EMULATOR_IDLE_TIMEOUT", "3s"));
    assertThat(s.port()).isEqualTo(9001);
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(s.apiKeys()).containsExactlyInAnyOrder("a", "b");
    assertThat(Main.settings(new String[0], Map.of("EMULATOR_PORT", "9000")).port()).isEqualTo(9000);
    assertThatThrownBy(() -> Main.settings(new String[] {"--port", "x"}, Map.of())).hasMessageContaining("port=x");
    assertThatThrownBy(() -> Main.settings(new String[] {"--nope", "1"}, Map.of())).hasMessageContaining("--nope");
  }

  @Test
  void shouldParseTheWorkersQueryStringsAndRejectBadValues() {
    ListenParams live = ListenParams.parse("/v1/listen?model=nova-3&language=en&encoding=linear16&sample_rate=16000"
        + "&channels=1&interim_results=false&punctuate=true&diarize=true&endpointing=100&no_delay=true&x=y");
    assertThat(live.sampleRate()).isEqualTo(16000);
    assertThat(live.endpointingMs()).isEqualTo(100);
    assertThat(live.diarize()).isTrue();
    assertThat(live.punctuated()).isTrue();
    ListenParams defaults = ListenParams.parse("/v1/listen");
    assertThat(defaults.endpointingMs()).isEqualTo(10);
    assertThat(defaults.language()).isEqualTo("en");
    assertThat(ListenParams.parse("/v1/listen?endpointing=false").endpointingMs()).isEqualTo(ListenParams.DISABLED);
    assertThat(ListenParams.parse("/v1/listen?smart_format=true&utterances=true").punctuated()).isTrue();
    for (String bad : new String[] {"diarize=1", "encoding=mp3", "encoding=linear16", "sample_rate=abc",
        "channels=0", "endpointing=-5", "language=english!", "utt_split=x", "utterance_end_ms=soon"}) {
      assertThatThrownBy(() -> ListenParams.parse("/v1/listen?" + bad)).as(bad)
          .isInstanceOf(BadRequestException.class).hasMessageStartingWith("Invalid query string.");
    }
  }

  @Test
  void shouldParseFaultsWithEveryFieldOptional() {
    Faults f = Faults.parse("{\"live\":{\"handshake_status\":503,\"close_after_ms\":2000,\"close_code\":1011,"
        + "\"stall\":false},\"prerecorded\":{\"status\":503,\"delay_ms\":0}}");
    assertThat(f.handshakeStatus()).isEqualTo(503);
    assertThat(f.closeAfterMs()).isEqualTo(2000L);
    assertThat(f.stalled()).isFalse();
    assertThat(f.prerecordedStatus()).isEqualTo(503);
    Faults healthy = Faults.parse("{\"live\":{\"handshake_status\":null},\"prerecorded\":null}");
    assertThat(healthy.live()).isNull();
    assertThat(healthy.prerecorded()).isNull();
    assertThat(Faults.parse("").live()).isNull();
    assertThat(Faults.parse("{\"live\":{\"close_after_ms\":5}}").live().closeCodeOrDefault()).isEqualTo(1011);
    assertThatThrownBy(() -> Faults.parse("{\"live\":{\"handshake_status\":200}}"))
        .hasMessageContaining("live.handshake_status");
    assertThatThrownBy(() -> Faults.parse("{\"live\":{\"close_code\":1005}}")).hasMessageContaining("1005");
    assertThatThrownBy(() -> Faults.parse("{\"live\":{\"stall\":\"yes\"}}")).hasMessageContaining("live.stall");
    assertThatThrownBy(() -> Faults.parse("[1]")).isInstanceOf(BadRequestException.class);
    Faults matched = Faults.parse("{\"match\":{\"extra\":\"channel:1\"},\"live\":{\"stall\":true}}");
    assertThat(matched.appliesTo(Map.of("extra", List.of("a:b", "channel:1")))).isTrue();
    assertThat(matched.forQuery(Map.of("extra", List.of("channel:0"))).stalled()).isFalse();
    assertThat(matched.forQuery(Map.of()).generation()).isEqualTo(matched.generation());
    assertThat(Faults.parse("{\"live\":{\"stall\":true}}").appliesTo(Map.of())).as("no match: every request")
        .isTrue();
    assertThatThrownBy(() -> Faults.parse("{\"match\":{\"extra\":1}}")).hasMessageContaining("match.extra");
  }

  @Test
  void shouldKeepTheAdminApiInternalAndRealismOffByDefault() {
    EmulatorSettings d = EmulatorSettings.defaults();
    assertThat(d.adminAccess()).isEqualTo(EmulatorSettings.AdminAccess.LOOPBACK);
    assertThat(d.adminCorsOrigins()).isEmpty();
    assertThat(d.realism().enabled()).isFalse();
    assertThat(Main.settings(new String[0], Map.of()).adminAccess()).isEqualTo(EmulatorSettings.AdminAccess.LOOPBACK);
  }

  @Test
  void shouldReadAdminAccessCorsOriginsAndRealismFromFlagsAndEnvironment() {
    EmulatorSettings s = Main.settings(new String[] {"--admin-access", "any", "--admin-cors-origin",
        "http://localhost:8080", "--admin-cors-origin=https://Dev.Example:8443", "--realism", "on",
        "--realism-seed", "42"}, Map.of());
    assertThat(s.adminAccess()).isEqualTo(EmulatorSettings.AdminAccess.ANY);
    assertThat(s.adminCorsOrigins()).containsExactlyInAnyOrder("http://localhost:8080", "https://dev.example:8443");
    assertThat(s.realism()).isEqualTo(Realism.on(42));
    EmulatorSettings env = Main.settings(new String[0], Map.of("EMULATOR_ADMIN_ACCESS", "loopback",
        "EMULATOR_ADMIN_CORS_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080",
        "EMULATOR_REALISM", "{\"seed\":7,\"live\":{\"offset_ms\":40,\"jitter_ms\":40},"
            + "\"late_finals\":{\"probability\":0.25,\"after_ms\":800},\"split_finals\":{\"probability\":0.1}}"));
    assertThat(env.adminCorsOrigins()).hasSize(2);
    Realism r = env.realism();
    assertThat(r.seed()).isEqualTo(7);
    assertThat(r.live()).isEqualTo(new Realism.Drift(40, 40));
    assertThat(r.prerecorded()).isEqualTo(Realism.on(1).prerecorded());
    assertThat(r.lateFinals()).isEqualTo(0.25);
    assertThat(r.lateAfter()).isEqualTo(Duration.ofMillis(800));
    assertThat(r.splitFinals()).isEqualTo(0.1);
    assertThat(Main.settings(new String[] {"--realism", "off"}, Map.of("EMULATOR_REALISM", "on")).realism())
        .isEqualTo(Realism.OFF);
  }

  @Test
  void shouldRejectBadAdminAndRealismSettingsNamingThem() {
    assertThatThrownBy(() -> Main.settings(new String[] {"--admin-access", "public"}, Map.of()))
        .hasMessageContaining("admin-access=public");
    for (String bad : new String[] {"*", "null", "localhost:8080", "http://localhost:8080/page", "ftp://x"}) {
      assertThatThrownBy(() -> EmulatorSettings.defaults().withAdminCorsOrigins(Set.of(bad))).as(bad)
          .hasMessageContaining("admin-cors-origin");
    }
    assertThatThrownBy(() -> Main.settings(new String[] {"--realism", "{\"live\":{\"offset_ms\":500}}"},
        Map.of())).hasMessageContaining("live.offset_ms");
    assertThatThrownBy(() -> Main.settings(new String[] {"--realism", "maybe"}, Map.of()))
        .hasMessageContaining("realism=maybe");
    assertThatThrownBy(() -> Main.settings(new String[] {"--realism-seed", "3"}, Map.of()))
        .hasMessageContaining("realism is off");
    assertThatThrownBy(() -> Realism.on(1).withLateFinals(1.5, Duration.ZERO))
        .hasMessageContaining("late_finals.probability=1.5");
  }

  @Test
  void shouldParseTheWholeFaultCatalogue() {
    Faults f = Faults.parse("{\"live\":{\"handshake_status\":429,\"retry_after_seconds\":5,"
        + "\"close_after_ms\":0,\"close_code\":1000,\"close_scope\":\"open\",\"stall\":true},"
        + "\"prerecorded\":{\"no_answer\":\"close\",\"delay_ms\":100,\"retry_after_seconds\":2}}");
    assertThat(f.handshakeRetryAfter()).isEqualTo(5);
    assertThat(f.closesNewSockets()).isFalse();
    assertThat(f.live().closeCodeOrDefault()).isEqualTo(1000);
    assertThat(f.stalled()).isTrue();
    assertThat(f.prerecordedNoAnswer()).isEqualTo(Faults.NoAnswer.CLOSE);
    assertThat(f.prerecordedDelayMs()).isEqualTo(100);
    assertThat(Faults.parse("{\"live\":{\"close_after_ms\":300}}").closesNewSockets()).isTrue();
    assertThat(Faults.parse("{\"live\":{\"close_after_ms\":100,\"close_code\":1011,\"handshake_status\":503}}")
        .handshakeStatus()).isEqualTo(503);
    assertThatThrownBy(() -> Faults.parse("{\"livee\":{}}")).hasMessageContaining("livee");
    assertThatThrownBy(() -> Faults.parse("{\"prerecorded\":{\"no_answer\":\"maybe\"}}"))
        .hasMessageContaining("prerecorded.no_answer");
  }
}
