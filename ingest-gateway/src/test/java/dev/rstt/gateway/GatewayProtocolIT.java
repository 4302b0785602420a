package dev.rstt.gateway;

import static dev.rstt.gateway.support.UpdatesProducer.segment;
import static dev.rstt.gateway.support.UpdatesProducer.segments;
import static dev.rstt.gateway.support.UpdatesProducer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionEnded;
import dev.rstt.gateway.GatewayHops;
import dev.rstt.gateway.auth.DevTokenCli;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.PublishedChannels;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.StalledClient;
import dev.rstt.gateway.support.StubMerger;
import dev.rstt.gateway.support.UpdatesProducer;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The app protocol end to end, on the real broker with a real WebSocket client. */
class GatewayProtocolIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

  private static String bootstrap;
  private static Topics topics;
  private static GatewayInstance gw;
  private static AudioFramesReader frames;
  private static UpdatesProducer merger;
  private static final Map<String, String> storedTranscripts = new java.util.concurrent.ConcurrentHashMap<>();
  /** The raw query string of the merger's last transcript read, per session ("null" when none). */
  private static final Map<String, String> mergerQueries = new java.util.concurrent.ConcurrentHashMap<>();

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    bootstrap = broker.bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("GatewayProtocolIT");
    topics = GatewayInstance.topics(prefix);
    StubMerger stubMerger = closer.add(StubMerger.start((session, exchange) -> {
      // as the merger: the internal API answers only the internal credential
      if (!("Bearer " + GatewayInstance.INTERNAL_SECRET).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        return new StubMerger.Answer(401, null);
      }
      mergerQueries.put(session, String.valueOf(exchange.getRequestURI().getRawQuery()));
      String body = storedTranscripts.get(session);
      return body != null && body.startsWith("400 ") ? new StubMerger.Answer(400, body.substring(4))
          : StubMerger.Answer.transcriptOrNotFound(body);
    }));
    Map<String, Object> props = new HashMap<>();
    props.put("rstt.gateway.idle-timeout", "3s");
    props.put("rstt.gateway.ping-interval", "300ms");
    props.put("rstt.gateway.stop-timeout", "2s");
    props.put("rstt.gateway.resume.window", "2s"); // a socket gone without stop ends its session soon after
    props.put("rstt.gateway.resume.handover-timeout", "500ms");
    props.put("rstt.gateway.outbound-queue", "64");
    props.put("rstt.gateway.outbound-max-pending-bytes", "262144");
    props.put("rstt.gateway.limits.max-sessions-per-user", "2");
    props.put("rstt.gateway.limits.connect-burst", "4");
    props.put("rstt.gateway.limits.connect-refill", "60s");
    props.put("rstt.gateway.backpressure.session-max-unacked-bytes", "16384");
    props.put("rstt.gateway.merger-url", stubMerger.url());
    gw = closer.add(GatewayInstance.start(bootstrap, prefix, "protocol-it", props, true));
    frames = closer.add(new AudioFramesReader(bootstrap, topics.audioFrames()));
    merger = closer.add(new UpdatesProducer(bootstrap, topics.sessionUpdates(), frames));
  }

  private static String user() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  /** Checks the opening events in order and returns the session id. */
  private static String awaitStarted(AppSocket app) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.messages().size() >= 3);
    List<String> first = app.messages().subList(0, 3);
    assertThat(json(first.get(0)).path("type").asString()).isEqualTo("service_status");
    assertThat(json(first.get(0)).path("status").asString()).isEqualTo("initiating");
    assertThat(json(first.get(1)).path("type").asString()).isEqualTo("session_started");
    String sessionId = json(first.get(1)).path("session_id").asString();
    assertThat(sessionId).matches(ULID);
    assertThat(json(first.get(2)).path("status").asString()).isEqualTo("stt_initiating");
    return sessionId;
  }

  private static AppSocket connect(String user, String query) {
    return AppSocket.connect(gw.listenUri(query), GatewayInstance.token(user));
  }

  private static PublishedSession published(String sessionId) {
    return PublishedSession.verify(frames.awaitSession(sessionId, PublishedSession::isEnded));
  }

  @Test
  void shouldRunTheWholeProtocolAndPublishEveryFrameOnceInOrder() {
    String user = user();
    MeterRegistry meters = gw.context().getBean(MeterRegistry.class);
    long audioHopsBefore = meters.get(GatewayHops.AUDIO).timer().count();
    long updateHopsBefore = meters.get(GatewayHops.UPDATES).timer().count();
    AppSocket app = connect(user, "language=en&sample_rate=16000&codec=pcm16&channels=1");
    String session = awaitStarted(app);
    ToneScript script = ToneScript.numbered(16000, 0, 4, 0, 200);
    List<byte[]> sent = script.frames(10);
    for (int i = 0; i < sent.size(); i++) {
      app.sendBinary(sent.get(i));
      if (i % 20 == 0) {
        app.sendBinary(new byte[] {(byte) 0x8A, 0x00}); // keepalive: not audio
        app.sendText("{\"type\":\"something_new\"}"); // unknown: ignored
        app.sendText("not json at all");
      }
    }
    merger.send(status(session, 1, "ready", null, Map.of(), false));
    merger.send(segments(session, 2, false, segment("seg-1", "w000 w001", 0.2, 1.1)));
    merger.send(segments(session, 2, false, segment("seg-1", "DUPLICATE", 0.2, 1.1))); // already delivered
    merger.send(status(session, 3, "stt_degraded", "DG down",
        Map.of("batch_mode", "true", "batch_interval_seconds", "30", "reason", "socket_closed"), false));
    app.awaitMessage(m -> m.contains("stt_degraded"));
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.pcm()).as("every byte once, in order").isEqualTo(script.pcm());
    assertThat(published.started().getUserId()).isEqualTo(user);
    assertThat(published.started().getCodec()).isEqualTo("pcm16");
    assertThat(published.started().getSessionId()).isEqualTo(session);
    assertThat(published.ended().getReason()).isEqualTo("stop");
    assertThat(published.maxChunkFrames()).as("chunks of at most 100 ms").isLessThanOrEqualTo(1600);
    assertThat(published.chunks().size()).as("small frames are aggregated").isLessThan(sent.size() / 3);
    assertThat(app.isClosed()).as("stop waits for the complete transcript").isFalse();
    merger.send(segments(session, 4, true, segment("seg-1", "w000 w001 w002 w003", 0.2, 2.0)));
    assertThat(app.awaitClose()).isEqualTo(1000);

    // audio_durable frames (docs/CONTRACT.md section 10) come whenever Kafka acknowledges audio: left out here
    List<String> msgs = app.messages().stream().filter(m -> !m.contains("\"audio_durable\"")).toList();
    assertThat(msgs).noneMatch(m -> m.contains("DUPLICATE"));
    JsonNode ready = json(msgs.get(3));
    assertThat(ready.path("status").asString()).isEqualTo("ready");
    JsonNode upsert = json(msgs.get(4));
    assertThat(upsert.isArray()).isTrue();
    JsonNode seg = upsert.get(0);
    assertThat(seg.path("id").asString()).isEqualTo("seg-1");
    assertThat(seg.path("text").asString()).isEqualTo("w000 w001");
    assertThat(seg.path("speaker").asString()).isEqualTo("SPEAKER_0");
    assertThat(seg.path("speaker_id").asInt()).isZero();
    assertThat(seg.path("is_user").isBoolean()).isTrue();
    assertThat(seg.path("person_id").isNull()).isTrue();
    assertThat(seg.path("start").asDouble()).isEqualTo(0.2);
    assertThat(seg.path("end").asDouble()).isEqualTo(1.1);
    assertThat(seg.path("translations").isArray()).isTrue();
    assertThat(seg.path("speech_profile_processed").asBoolean()).isTrue();
    assertThat(seg.path("stt_provider").asString()).isEqualTo("deepgram");
    assertThat(seg.path("stt_session").asString()).isEqualTo("01JTESTSTTSESSION000000000");
    JsonNode degraded = json(msgs.get(5));
    assertThat(degraded.path("type").asString()).isEqualTo("service_status");
    assertThat(degraded.path("status_text").asString()).isEqualTo("DG down");
    assertThat(degraded.path("metadata").path("batch_mode").isBoolean()).isTrue();
    assertThat(degraded.path("metadata").path("batch_mode").asBoolean()).isTrue();
    assertThat(degraded.path("metadata").path("batch_interval_seconds").isNumber()).isTrue();
    assertThat(degraded.path("metadata").path("batch_interval_seconds").asInt()).isEqualTo(30);
    assertThat(degraded.path("metadata").path("reason").asString()).isEqualTo("socket_closed");
    assertThat(json(msgs.get(msgs.size() - 1)).get(0).path("text").asString())
        .as("the last update arrives before the close").isEqualTo("w000 w001 w002 w003");
    assertThat(gw.metrics().count("rstt.gateway.keepalives.in")).isPositive();
    // the hop timers: every chunk from its first frame's arrival to its acknowledgement, every update handed over
    assertThat(meters.get(GatewayHops.AUDIO).timer().count() - audioHopsBefore)
        .isGreaterThanOrEqualTo(published.chunks().size());
    // the last update's time is recorded by the listener after the session took it (and maybe closed the socket)
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        meters.get(GatewayHops.UPDATES).timer().count() - updateHopsBefore >= 5);
    assertThat(meters.get(GatewayHops.AUDIO).timer().max(TimeUnit.SECONDS)).isBetween(0.0, 30.0);
  }

  @Test
  void shouldClose4010NotNormallyAfterStopTimeoutWhenTheTranscriptNeverCompletes() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    app.sendBinary(ToneScript.numbered(16000, 5, 1, 1, 200).pcm());
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.ended().getReason()).isEqualTo("stop");
    assertThat(app.awaitClose()).as("1000 would claim a complete transcript").isEqualTo(4010);
    JsonNode error = json(app.messages().get(app.messages().size() - 1));
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("code").asString()).isEqualTo("transcript_pending");
    assertThat(error.path("message").asString()).contains("/v1/sessions/" + session + "/transcript");
    assertThat(gw.metrics().count("rstt.gateway.rejections", "reason", "transcript_pending")).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing", "expired", "forged", "garbage", "basic"})
  void shouldRefuseABadTokenWith1008AndAnErrorFirst(String kind) {
    String user = user();
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
    String token = switch (kind) {
      case "missing" -> null;
      case "expired" -> DevTokenCli.token(user, GatewayInstance.SECRET,
          Duration.ofMinutes(5), past);
      case "forged" -> DevTokenCli.token(user, dev.rstt.common.auth.DevTokens.randomSecret(), Duration.ofHours(1),
          Clock.systemUTC());
      case "garbage" -> "not.a.jwt";
      default -> null;
    };
    AppSocket app;
    if (kind.equals("basic")) {
      app = AppSocket.connectRaw(gw.listenUri("codec=pcm16&sample_rate=16000"), "Basic dXNlcjpwYXNz");
    } else {
      app = AppSocket.connect(gw.listenUri("codec=pcm16&sample_rate=16000&uid=" + user), token);
    }
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(app.messages()).hasSize(1);
    JsonNode error = json(app.messages().get(0));
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("code").asString()).isEqualTo(switch (kind) {
      case "missing", "basic" -> "missing_token";
      case "expired" -> "expired_token";
      default -> "invalid_token";
    });
    assertThat(error.path("message").asString()).isNotBlank();
    assertThat(frames.drain()).noneMatch(r -> r.value().toString().contains(user));
  }

  @ParameterizedTest
  @CsvSource({
      "codec=mp3&sample_rate=16000, unsupported_codec",
      "codec=opus&sample_rate=44100, unsupported_sample_rate",
      "codec=pcm16&sample_rate=12345, unsupported_sample_rate",
      "codec=pcm16&sample_rate=abc, unsupported_sample_rate",
      "codec=pcm16&sample_rate=16000&channels=3, unsupported_channels",
      "codec=pcm16&sample_rate=16000&channels=0, unsupported_channels",
      "codec=pcm16&sample_rate=16000&language=%22%3Bdrop, unsupported_language",
      "codec=pcm16&sample_rate=16000&keyterm=Omi&keyterm=%20, invalid_keyterm"})
  void shouldRefuseBadParametersWith1008BeforePublishingAnything(String query, String code) {
    String user = user();
    AppSocket app = connect(user, query);
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(app.messages()).hasSize(1);
    assertThat(json(app.messages().get(0)).path("code").asString()).isEqualTo(code);
    assertThat(frames.drain()).noneMatch(r -> r.value().toString().contains(user));
  }

  @Test
  void shouldClose1009OnAFrameOver64KiBAfterPublishingEarlierAudio() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    byte[] audio = ToneScript.numbered(16000, 7, 1, 0, 200).pcm();
    app.sendBinary(audio);
    try {
      app.sendBinary(new byte[64 * 1024 + 1]);
    } catch (RuntimeException ignored) {
      // the server may already be closing
    }
    assertThat(app.awaitClose()).isEqualTo(1009);
    PublishedSession published = published(session);
    assertThat(published.pcm()).isEqualTo(audio);
    assertThat(published.ended().getReason()).isEqualTo("error");
    assertThat(gw.metrics().count("rstt.gateway.rejections", "reason", "frame_too_large")).isPositive();
  }

  @Test
  void shouldEndASilentClientThatNeverSendsStopWith1001AfterTheIdleTimeout() {
    AppSocket app = AppSocket.connect(gw.listenUri("sample_rate=16000&codec=pcm16"), GatewayInstance.token(user()),
        false, false);
    String session = awaitStarted(app);
    byte[] audio = ToneScript.numbered(16000, 9, 2, 2, 200).pcm();
    app.sendBinary(audio);
    assertThat(app.awaitClose()).isEqualTo(1001);
    assertThat(app.pings()).as("ping every 300 ms while idle for 3 s").isGreaterThanOrEqualTo(3);
    PublishedSession published = published(session);
    assertThat(published.pcm()).isEqualTo(audio);
    assertThat(published.ended().getReason()).isEqualTo("idle_timeout");
  }

  @Test
  void shouldKeepASessionAliveWhileTheClientAnswersPings() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16"); // answers ping with the 2-byte pong
    awaitStarted(app);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> app.pings() >= 14); // > 4 s > idle timeout
    assertThat(app.isClosed()).isFalse();
    app.closeNormally();
  }

  @Test
  void shouldEndASessionWhoseClientDisconnectsWithoutStopOnceTheResumeWindowPassed() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    byte[] audio = ToneScript.numbered(16000, 11, 3, 3, 150).pcm();
    List<byte[]> frames = ToneScript.numbered(16000, 11, 3, 3, 150).frames(20);
    for (byte[] frame : frames) {
      app.sendBinary(frame);
    }
    // an abort discards what the gateway's side has not read yet (TCP reset): abort once every message is durable
    app.awaitMessage(m -> m.contains("\"audio_durable\"") && m.contains("\"frames\":" + frames.size() + ","));
    app.abort();
    PublishedSession published = published(session);
    assertThat(published.pcm()).isEqualTo(audio);
    assertThat(published.ended().getReason()).isEqualTo("client_closed");
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 12000, 16000, 24000, 48000})
  void shouldDecodeOpusAtEveryRateAndDropUndecodablePackets(int rate) throws Exception {
    AppSocket app = connect(user(), "sample_rate=" + rate + "&codec=opus");
    String session = awaitStarted(app);
    short[] samples = new short[rate]; // 1 s of two tones (tone words are not defined at 12 kHz)
    for (int n = 0; n < samples.length; n++) {
      samples[n] = (short) Math.round(8000 * (Math.sin(2 * Math.PI * 440 * n / rate)
          + Math.sin(2 * Math.PI * 1000 * n / rate)));
    }
    OpusEncoder encoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
    int frame = rate / 50; // 20 ms
    int packets = 0;
    double before = gw.metrics().count("rstt.gateway.frames.undecodable", "codec", "opus");
    for (int i = 0; i + frame <= samples.length; i += frame) {
      byte[] packet = new byte[1500];
      int len = encoder.encode(samples, i, frame, packet, 0, packet.length);
      app.sendBinary(java.util.Arrays.copyOf(packet, len));
      packets++;
      if (packets == 5) {
        app.sendBinary(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4}); // not an Opus packet
      }
    }
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.pcm().length / 2).as("20 ms of PCM per packet").isEqualTo(packets * frame);
    double rms = dev.rstt.common.audio.Pcm.rms(published.pcm(), 0, published.pcm().length / 2);
    assertThat(rms).as("decoded audio is not silence").isGreaterThan(500);
    assertThat(gw.metrics().count("rstt.gateway.frames.undecodable", "codec", "opus")).isGreaterThan(before);
    merger.send(segments(session, 1, true));
    assertThat(app.awaitClose()).isEqualTo(1000);
  }

  @Test
  void shouldReadPcm8AsUnsigned8BitAudioAtItsRate() {
    AppSocket app = connect(user(), ""); // omi defaults: pcm8, 8000 Hz, mono, en
    String session = awaitStarted(app);
    ToneScript script = ToneScript.numbered(8000, 20, 2, 0, 200);
    short[] samples = script.samples();
    byte[] u8 = new byte[samples.length];
    byte[] expected = new byte[2 * samples.length];
    for (int i = 0; i < samples.length; i++) {
      u8[i] = (byte) ((samples[i] >> 8) + 128);
      int widened = ((u8[i] & 0xFF) - 128) << 8;
      expected[2 * i] = (byte) widened;
      expected[2 * i + 1] = (byte) (widened >> 8);
    }
    Random random = new Random(7);
    int at = 0;
    while (at < u8.length) {
      int size = Math.min(u8.length - at, 3 + random.nextInt(300));
      app.sendBinary(java.util.Arrays.copyOfRange(u8, at, at + size));
      at += size;
    }
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.started().getSampleRate()).isEqualTo(8000);
    assertThat(published.started().getCodec()).isEqualTo("pcm8");
    assertThat(published.started().getLanguage()).isEqualTo("en");
    assertThat(published.ended().getEndOffsetSamples()).as("one sample per byte").isEqualTo(samples.length);
    assertThat(published.pcm()).isEqualTo(expected);
  }

  @Test
  void shouldCarryTheLanguageAndKeytermsOnTheStartAndEveryChunk() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16&language=auto&keyterm=Omi&keyterm=tone%20word");
    String session = awaitStarted(app);
    app.sendBinary(ToneScript.numbered(16000, 30, 2, 0, 200).pcm());
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.started().getLanguage()).isEqualTo("multi");
    assertThat(published.started().getKeyterms()).containsExactly("Omi", "tone word");
    assertThat(published.chunks()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.getLanguage()).isEqualTo("multi");
      assertThat(c.getKeyterms()).containsExactly("Omi", "tone word");
    });
  }

  @Test
  void shouldPublishHeldAudioWithinTheMaxDelay() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    byte[] tenMs = java.util.Arrays.copyOf(ToneScript.numbered(16000, 30, 1, 0, 200).pcm(), 320);
    app.sendBinary(tenMs);
    // 10 ms is far below the 100 ms chunk: it must still leave within max-delay, without more audio
    List<ConsumerRecord<String, SpecificRecord>> records = frames.awaitSession(session, v -> v.size() >= 2);
    dev.rstt.avro.AudioChunk first = (dev.rstt.avro.AudioChunk) records.get(1).value();
    assertThat(first.getPcm().remaining()).isEqualTo(320);
    app.sendBinary(tenMs);
    frames.awaitSession(session, v -> v.size() >= 3);
    app.stop();
    PublishedSession published = published(session);
    assertThat(published.chunks()).hasSize(2);
    assertThat(published.chunks().get(1).getOffsetSamples()).isEqualTo(160);
  }

  @Test
  void shouldPauseReadingAtTheUnackedCapAndStillPublishEverything() {
    AppSocket app = connect(user(), "sample_rate=48000&codec=pcm16&channels=2");
    String session = awaitStarted(app);
    // 3 s of 48 kHz on each channel of a call in omi's framing; 9600-byte chunks per channel, two > the 16 KiB cap
    byte[][] audio = {new byte[48000 * 2 * 3], new byte[48000 * 2 * 3]};
    new Random(3).nextBytes(audio[0]);
    new Random(4).nextBytes(audio[1]);
    double before = gw.metrics().count("rstt.gateway.backpressure.pauses");
    for (int at = 0; at < audio[0].length; at += 4800) {
      for (int c = 0; c < 2; c++) {
        byte[] message = new byte[4801];
        message[0] = (byte) (c + 1);
        System.arraycopy(audio[c], at, message, 1, 4800);
        app.sendBinary(message);
      }
    }
    app.sendBinary(new byte[] {3, 1, 2, 3}); // a channel the session does not have: told, dropped, nothing else lost
    app.stop();
    PublishedChannels published = PublishedChannels.verify(frames.awaitSession(session, PublishedChannels::isEnded));
    assertThat(published.started().getChannels()).isEqualTo(2);
    assertThat(published.started().getChannelLabels()).as("no source: labelled as omi labels a phone call")
        .extracting(l -> l.getLabel(), l -> l.getIsUser())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mic", true), org.assertj.core.groups.Tuple.tuple(
            "remote", false));
    assertThat(published.channels().get(1).pcm()).isEqualTo(audio[0]);
    assertThat(published.channels().get(2).pcm()).isEqualTo(audio[1]);
    assertThat(app.awaitMessage(m -> m.contains("unknown_channel"))).contains("\"type\":\"error\"");
    assertThat(gw.metrics().count("rstt.gateway.backpressure.pauses")).isGreaterThan(before);
  }

  @ParameterizedTest
  @CsvSource({"desktop, system_audio", "phone_call, remote"})
  void shouldLabelChannel2OnTheTopicBySourceAsOmiDoes(String source, String label) {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16&channels=2&source=" + source);
    String session = awaitStarted(app);
    byte[][] audio = {ToneScript.numbered(16000, 40, 1, 0, 100).pcm(),
        ToneScript.numbered(16000, 41, 1, 0, 100).pcm()};
    for (int c = 0; c < 2; c++) {
      byte[] message = new byte[audio[c].length + 1];
      message[0] = (byte) (c + 1);
      System.arraycopy(audio[c], 0, message, 1, audio[c].length);
      app.sendBinary(message);
    }
    app.stop();
    PublishedChannels published = PublishedChannels.verify(frames.awaitSession(session, PublishedChannels::isEnded));
    assertThat(published.started().getChannelLabels())
        .extracting(l -> l.getChannel(), l -> l.getLabel(), l -> l.getIsUser(), l -> l.getSpeaker())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "mic", true, "SPEAKER_00"),
            org.assertj.core.groups.Tuple.tuple(2, label, false, "SPEAKER_01"));
    assertThat(published.channels().get(1).pcm()).isEqualTo(audio[0]);
    assertThat(published.channels().get(2).pcm()).isEqualTo(audio[1]);
  }

  @Test
  void shouldCapConcurrentSessionsAndNewConnectionsPerUser() {
    String user = user();
    AppSocket one = connect(user, "sample_rate=16000&codec=pcm16");
    AppSocket two = connect(user, "sample_rate=16000&codec=pcm16");
    awaitStarted(one);
    awaitStarted(two);
    AppSocket three = connect(user, "sample_rate=16000&codec=pcm16");
    assertThat(three.awaitClose()).isEqualTo(1013);
    JsonNode error = json(three.messages().get(0));
    assertThat(error.path("code").asString()).isEqualTo("too_many_sessions");
    assertThat(error.path("retry_after_seconds").asInt()).isPositive();
    AppSocket otherUser = connect(user(), "sample_rate=16000&codec=pcm16");
    awaitStarted(otherUser); // another user is not affected
    one.closeNormally();
    two.closeNormally();
    otherUser.closeNormally();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(one::isClosed);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(two::isClosed);
    // burst of 4 per user: three accepted or refused attempts used 3 tokens, one more is allowed, then refused
    AppSocket four = connect(user, "sample_rate=16000&codec=pcm16");
    awaitStarted(four);
    four.closeNormally();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(four::isClosed);
    AppSocket five = connect(user, "sample_rate=16000&codec=pcm16");
    assertThat(five.awaitClose()).isEqualTo(1013);
    assertThat(json(five.messages().get(0)).path("code").asString()).isEqualTo("connect_rate");
  }

  @Test
  void shouldCloseAClientThatReadsTooSlowlyWithoutHarmingAnotherSession() throws Exception {
    try (StalledClient slow = new StalledClient(gw.listenUri("sample_rate=16000&codec=pcm16"),
        GatewayInstance.token(user()))) {
      assertThat(slow.upgraded()).isTrue();
      String started = slow.readUntil("session_started");
      String slowSession = json(started).path("session_id").asString();
      AppSocket fine = connect(user(), "sample_rate=16000&codec=pcm16");
      String fineSession = awaitStarted(fine);
      String big = "w".repeat(32 * 1024);
      double before = gw.metrics().count("rstt.gateway.rejections", "reason", "client_too_slow");
      for (int i = 1; i <= 600; i++) { // ~19 MB the client never reads
        merger.sendAsync(segments(slowSession, i, false, segment("s" + i, big, i, i + 1)));
      }
      merger.flush();
      merger.send(segments(fineSession, 1, false, segment("f1", "w001", 0.1, 0.4)));
      fine.awaitMessage(m -> m.contains("\"f1\""));
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> gw.metrics().count("rstt.gateway.rejections", "reason", "client_too_slow") > before);
      PublishedSession published = published(slowSession);
      assertThat(published.ended().getReason()).isEqualTo("error");
      // the other session still works end to end
      byte[] audio = ToneScript.numbered(16000, 41, 1, 0, 200).pcm();
      fine.sendBinary(audio);
      fine.stop();
      PublishedSession finePublished = published(fineSession);
      assertThat(finePublished.ended().getReason()).isEqualTo("stop");
      assertThat(finePublished.pcm()).isEqualTo(audio);
      merger.send(segments(fineSession, 2, true));
      assertThat(fine.awaitClose()).isEqualTo(1000);
    }
  }

  @Test
  void shouldDeliverAnUpdateOnlyToTheSocketOfItsUser() {
    String user = user();
    AppSocket app = connect(user, "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    double before = gw.metrics().count("rstt.gateway.updates", "outcome", "foreign_user");
    // forged by anyone who may write session.updates: the right session id, another user (or none)
    merger.send(dev.rstt.avro.SessionUpdate.newBuilder(segments(session, 1, false, segment("forged-1", "w001", 0.1, 0.4)))
        .setUserId("someone-else").build());
    merger.send(dev.rstt.avro.SessionUpdate.newBuilder(segments(session, 2, false, segment("forged-2", "w002", 0.5, 0.9)))
        .setUserId(user + " ").build());
    merger.send(segments(session, 3, false, segment("genuine", "w003", 1.0, 1.4))); // the session's own user
    app.awaitMessage(m -> m.contains("\"genuine\""));
    assertThat(app.messages()).noneMatch(m -> m.contains("forged"));
    assertThat(gw.metrics().count("rstt.gateway.updates", "outcome", "foreign_user") - before).isEqualTo(2);
    app.stop();
    published(session);
    merger.send(segments(session, 4, true));
    assertThat(app.awaitClose()).isEqualTo(1000);
  }

  @Test
  void shouldDeadLetterAnUndecodableUpdateAndKeepDelivering() {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    String session = awaitStarted(app);
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> raw =
        new org.apache.kafka.clients.producer.KafkaProducer<>(props,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.sessionUpdates().name(), session,
          new byte[] {1, 2, 3, 4, 5})).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    merger.send(segments(session, 1, false, segment("after-poison", "w001", 0.1, 0.4)));
    app.awaitMessage(m -> m.contains("after-poison"));
    java.util.Properties c = new java.util.Properties();
    c.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> dlt =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(c,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      org.apache.kafka.common.TopicPartition tp =
          new org.apache.kafka.common.TopicPartition(topics.sessionUpdates().deadLetterName(), 0);
      dlt.assign(List.of(tp));
      dlt.seekToBeginning(List.of(tp));
      List<byte[]> values = new java.util.ArrayList<>();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        dlt.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        return values.stream().anyMatch(v -> java.util.Arrays.equals(v, new byte[] {1, 2, 3, 4, 5}));
      });
    }
    app.closeNormally();
  }

  @Test
  void shouldServeATranscriptOnlyToItsOwner() throws Exception {
    String owner = user();
    String session = "01JABCDEFGHJKMNPQRSTVWXYZ0";
    storedTranscripts.put(session, "{\"session_id\":\"" + session + "\",\"user_id\":\"" + owner + "\","
        + "\"segments\":[{\"id\":\"a\",\"text\":\"w001\",\"speaker\":\"SPEAKER_0\",\"speaker_id\":0,"
        + "\"is_user\":false,\"person_id\":null,\"start\":0.1,\"end\":0.4,\"stt_provider\":\"deepgram\","
        + "\"stt_session\":\"x\"}],\"statuses\":[{\"status\":\"ready\",\"status_text\":null,\"metadata\":{}}],"
        + "\"complete\":true}");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> mine = http.send(HttpRequest.newBuilder(gw.http("/v1/sessions/" + session + "/transcript"))
        .header("Authorization", "Bearer " + GatewayInstance.token(owner)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(mine.statusCode()).isEqualTo(200);
    JsonNode body = json(mine.body());
    assertThat(body.has("user_id")).isFalse();
    assertThat(body.path("session_id").asString()).isEqualTo(session);
    assertThat(body.path("segments").get(0).path("text").asString()).isEqualTo("w001");
    assertThat(body.path("statuses").get(0).path("status").asString()).isEqualTo("ready");
    assertThat(body.path("complete").asBoolean()).isTrue();

    HttpResponse<String> someoneElse = http.send(HttpRequest.newBuilder(
            gw.http("/v1/sessions/" + session + "/transcript"))
        .header("Authorization", "Bearer " + GatewayInstance.token(user())).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
            gw.http("/v1/sessions/01JZZZZZZZZZZZZZZZZZZZZZZZ/transcript"))
        .header("Authorization", "Bearer " + GatewayInstance.token(owner)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(someoneElse.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(someoneElse.body()).isEqualTo(unknown.body()); // existence does not leak
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
        gw.http("/v1/sessions/" + session + "/transcript")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void shouldPassPagingThroughWithoutABufferLimit() throws Exception {
    String owner = user();
    String session = "01JABCDEFGHJKMNPQRSTVWXYZ1";
    // A page of 1000 segments of 2,000 characters: 2 MB, far past any default buffer of 256 KiB.
    StringBuilder segments = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      segments.append(i == 0 ? "" : ",").append("{\"id\":\"s").append(i).append("\",\"text\":\"")
          .append("w".repeat(2000)).append("\",\"speaker\":\"SPEAKER_0\",\"speaker_id\":0,\"is_user\":false,")
          .append("\"person_id\":null,\"start\":").append(i).append(",\"end\":").append(i + 0.5)
          .append(",\"stt_provider\":\"deepgram\",\"stt_session\":\"x\"}");
    }
    storedTranscripts.put(session, "{\"session_id\":\"" + session + "\",\"user_id\":\"" + owner + "\","
        + "\"segments\":[" + segments + "],\"statuses\":[],\"complete\":true,\"next\":\"s999\"}");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(
            gw.http("/v1/sessions/" + session + "/transcript?after=a%20b&limit=1000"))
        .header("Authorization", "Bearer " + GatewayInstance.token(owner)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(mergerQueries.get(session)).isEqualTo("after=a+b&limit=1000");
    JsonNode body = json(page.body());
    assertThat(body.path("segments").size()).isEqualTo(1000);
    assertThat(body.path("next").asString()).isEqualTo("s999");

    http.send(HttpRequest.newBuilder(gw.http("/v1/sessions/" + session + "/transcript"))
        .header("Authorization", "Bearer " + GatewayInstance.token(owner)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(mergerQueries.get(session)).as("no paging asked, none passed").isEqualTo("null");

    // The merger refuses a cursor: the owner gets its reason, anyone else the same 404 as for no session.
    storedTranscripts.put(session, "400 {\"error\":\"unknown_cursor\",\"message\":\"read again\",\"user_id\":\""
        + owner + "\"}");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
            gw.http("/v1/sessions/" + session + "/transcript?after=gone"))
        .header("Authorization", "Bearer " + GatewayInstance.token(owner)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("code").asString()).isEqualTo("unknown_cursor");
    HttpResponse<String> notTheirs = http.send(HttpRequest.newBuilder(
            gw.http("/v1/sessions/" + session + "/transcript?after=gone"))
        .header("Authorization", "Bearer " + GatewayInstance.token(user())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notTheirs.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldExposeMetricsAndHealth() throws Exception {
    AppSocket app = connect(user(), "sample_rate=16000&codec=pcm16");
    awaitStarted(app);
    app.sendBinary(new byte[640]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      String prom = http.send(HttpRequest.newBuilder(gw.management("/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return prom.contains("rstt_gateway_sockets_open") && prom.contains("rstt_gateway_frames_in_total")
          && prom.contains("rstt_gateway_bytes_in_total") && prom.contains("rstt_gateway_publish_latency_seconds")
          && prom.contains("rstt_gateway_rejections_total") && prom.contains("rstt_hop_gateway_audio_seconds_bucket")
          && prom.contains("rstt_hop_gateway_updates_seconds_bucket");
    });
    assertThat(gw.metrics().openSockets()).isPositive();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(gw.management("/actuator/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health.body()).path("status").asString()).isEqualTo("UP");
    app.closeNormally();
  }
}
