package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.audio.HeardWords;
import dev.rstt.gateway.audio.TestEncoders;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.GatewayProcess;
import dev.rstt.gateway.support.OmiFraming;
import dev.rstt.gateway.support.PublishedChannels;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.ResumedTimeline;
import dev.rstt.gateway.support.ResumingApp;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable sessions across gateways (docs/CONTRACT.md section 10), on the real broker, word by word: the gateway
 * holding a session is killed with SIGKILL mid-session (its own JVM), or its socket drops while it lives, and the app
 * resumes on another gateway. Every word reaches audio.frames exactly once as the STT worker reads it (repeats
 * dropped by their timeline position), in one session with a continuous timeline.
 */
class GatewayCrashResumeIT {

  private static final String QUERY = "language=en&sample_rate=16000&codec=pcm16&channels=1";

  private static String bootstrap;
  private static String prefix;
  private static Topics topics;
  private static GatewayInstance survivor;
  private static GatewayInstance holder;
  private static AudioFramesReader frames;

  private static Map<String, Object> props() {
    Map<String, Object> props = new HashMap<>();
    props.put("rstt.gateway.resume.window", "30s");
    props.put("rstt.gateway.resume.handover-timeout", "1s");
    props.put("rstt.gateway.resume.position-interval", "200ms");
    props.put("rstt.gateway.resume.lease", "1s");
    props.put("rstt.gateway.stop-timeout", "1s");
    props.put("rstt.gateway.merger-url", "http://127.0.0.1:9"); // no merger: resumed sockets get no snapshot
    return props;
  }

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    bootstrap = KafkaBroker.shared().bootstrapServers();
    prefix = KafkaBroker.uniquePrefix("GatewayCrashResumeIT");
    topics = GatewayInstance.topics(prefix);
    survivor = closer.add(GatewayInstance.start(bootstrap, prefix, "survivor", props(), false));
    // in-process gateways share Reactor Netty's event loops: one closed mid-class would take the other's down
    holder = closer.add(GatewayInstance.start(bootstrap, prefix, "holder", props(), false));
    frames = closer.add(new AudioFramesReader(bootstrap, topics.audioFrames()));
  }

  /**
   * Sends up to message {@code mid}, {@code paceMs} apart, so that positions and acknowledgements move meanwhile, until
   * some audio is durable; then a burst of {@code burst} messages the holder may not have published or positioned yet;
   * kills the holder with SIGKILL and resumes on the survivor, which must offer at least the audio known durable.
   */
  private static void killMidSendAndResumeOnSurvivor(GatewayProcess doomed, ResumingApp app, int mid, long paceMs,
      int burst) throws InterruptedException {
    app.sendUntil(mid, paceMs);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.durableSeen() > 0);
    app.sendUntil(mid + burst);
    doomed.kill();
    app.drop();
    long durableBefore = app.durableSeen();
    app.moveTo(survivor::listenUri);
    long given = app.resume(null).path("frames").asLong();
    assertThat(given).as("from the audio known durable on").isGreaterThanOrEqualTo(durableBefore);
  }

  private static String user() {
    return "crash-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void theHolderKilledMidSessionTheAppResumesOnAnotherGatewayAndEveryWordArrivesOnce() throws Exception {
    Random random = new Random(11);
    ToneScript script = ToneScript.random(random, 16000, 10, 300);
    // odd message sizes: a message may end inside a sample, so not every chunk end is a resume point
    List<byte[]> messages = ResumingApp.split(script.pcm(), 641);
    ResumingApp app;
    String id;
    double takeOversBefore = survivor.metrics().count("rstt.gateway.resumes", "outcome", "taken_over_unreleased");
    try (GatewayProcess doomed = GatewayProcess.start(bootstrap, prefix, "doomed", props())) {
      app = new ResumingApp(doomed::listenUri, GatewayInstance.token(user()), QUERY, messages);
      id = app.start();
      ToneScript.ExpectedWord word = script.words().get(5);
      int midWord = (int) ((word.startSample() + word.endSample()) / 2 * 2 / 641);
      killMidSendAndResumeOnSurvivor(doomed, app, midWord, 20, 5); // 20 ms of audio every 20 ms
    }
    app.finish();

    ResumedTimeline timeline = ResumedTimeline.read(frames.awaitSession(id, PublishedSession::isEnded));
    HeardWords.assertExact(timeline.pcm(), script, 0);
    assertThat(timeline.pcm()).as("every byte once, the timeline continuous").isEqualTo(script.pcm());
    assertThat(timeline.ended().getReason()).isEqualTo("stop");
    assertThat(timeline.started().getGatewayId()).isEqualTo("doomed");
    assertThat(survivor.metrics().count("rstt.gateway.resumes", "outcome", "taken_over_unreleased"))
        .isEqualTo(takeOversBefore + 1);
  }

  /**
   * A socket that drops right after its session started and resumes on the other gateway at once: that gateway may
   * not have read the session's first position yet, and must read session.positions through before it answers (it
   * once answered session_not_resumable).
   */
  @Test
  void aSocketDroppedRightAfterItsStartResumesAtOnceOnTheOtherGateway() throws Exception {
    ToneScript script = ToneScript.numbered(16000, 600, 2, 2, 200);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 640);
    for (int i = 0; i < 10; i++) {
      ResumingApp app = new ResumingApp(holder::listenUri, GatewayInstance.token(user()), QUERY, messages);
      String id = app.start();
      app.sendUntil(1);
      app.drop();
      app.moveTo(survivor::listenUri);
      app.resume(null);
      app.finish();
      PublishedSession published = PublishedSession.verify(frames.awaitSession(id, PublishedSession::isEnded));
      assertThat(published.pcm()).as("attempt %d", i).isEqualTo(script.pcm());
    }
  }

  @Test
  void theSocketDropsWhileTheHolderLivesTheOtherGatewayTakesTheReleasedSession() throws Exception {
    ToneScript script = ToneScript.numbered(16000, 500, 8, 1, 250);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 640);
    double releasedBefore = survivor.metrics().count("rstt.gateway.resumes", "outcome", "released");
    {
      // the session's language and keyterms go with it from gateway to gateway (docs/CONTRACT.md section 2)
      ResumingApp app = new ResumingApp(holder::listenUri, GatewayInstance.token(user()),
          "language=multi&sample_rate=16000&codec=pcm16&channels=1&keyterm=Omi&keyterm=tone%20word", messages);
      String id = app.start();
      ToneScript.ExpectedWord word = script.words().get(3);
      app.sendUntil((int) ((word.startSample() + word.endSample()) / 2 * 2 / 640));
      app.drop();
      app.moveTo(survivor::listenUri);
      app.resume(null);
      // back to the first gateway: the session moves again, released by the survivor this time
      app.sendUntil(app.sent() + 40);
      app.drop();
      app.moveTo(holder::listenUri);
      app.resume(null);
      app.finish();

      PublishedSession published = PublishedSession.verify(frames.awaitSession(id, PublishedSession::isEnded));
      HeardWords.assertExact(published.pcm(), script, 0);
      assertThat(published.pcm()).as("exact numbers from a release: no repeat, seq without gaps")
          .isEqualTo(script.pcm());
      assertThat(published.chunks()).as("chunks written by either gateway").allSatisfy(c -> {
        assertThat(c.getLanguage()).isEqualTo("multi");
        assertThat(c.getKeyterms()).containsExactly("Omi", "tone word");
      });
    }
    assertThat(survivor.metrics().count("rstt.gateway.resumes", "outcome", "released")).isEqualTo(releasedBefore + 1);
  }

  /**
   * A seeded schedule: the session starts on a gateway in its own JVM; four times at random moments the socket
   * drops (the first time, odd seeds also kill that gateway with SIGKILL) and the app resumes on a random one of
   * the two others, resending from where it is told or from before its last {@code audio_durable}.
   */
  @ParameterizedTest
  @ValueSource(longs = {3L, 8L})
  void aSeededScheduleOfDropsMovesAndAKillLosesAndDoublesNoWord(long seed) throws Exception {
    Random random = new Random(seed);
    ToneScript script = ToneScript.random(random, 16000, 12, 300);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 2 * (150 + random.nextInt(200)) + 1);
    boolean kill = seed % 2 == 1; // odd seeds kill the first gateway, even ones let it release the session
    ResumingApp app;
    String id;
    try (GatewayProcess first = GatewayProcess.start(bootstrap, prefix, "first-" + seed, props())) {
      app = new ResumingApp(first::listenUri, GatewayInstance.token(user()), QUERY, messages);
      id = app.start();
      int at = 0;
      for (int event = 0; event < 4; event++) {
        at = Math.min(messages.size() - 1, at + 1 + random.nextInt(messages.size() / 5));
        app.sendUntil(at, random.nextBoolean() ? 0 : 10);
        if (event == 0 && kill) {
          first.kill();
        }
        app.drop();
        GatewayInstance next = random.nextBoolean() ? survivor : holder;
        app.moveTo(next::listenUri);
        Long from = random.nextBoolean() ? null : Math.max(0, app.durableSeen() - random.nextInt(10));
        app.resume(from);
      }
    }
    app.finish();

    ResumedTimeline timeline = ResumedTimeline.read(frames.awaitSession(id, PublishedSession::isEnded));
    HeardWords.assertExact(timeline.pcm(), script, 0);
    assertThat(timeline.pcm()).as("every byte once, the timeline continuous (seed %d, kill %s)", seed, kill)
        .isEqualTo(script.pcm());
    assertThat(timeline.ended().getReason()).isEqualTo("stop");
  }

  /**
   * Codecs whose decoder carries state (Opus 20 ms packets, LC3 through liblc3, AAC in ADTS frames split anywhere
   * over messages through FAAD2): the gateway taking the session over decodes the one message before the durable
   * point only to warm its fresh decoder up. A killed holder, and for Opus also a released move: every word once,
   * within 30 ms of its time.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"opus, true", "opus, false", "lc3_fs1030, true", "aac, true"})
  void aSessionOfAStatefulCodecResumesOnAnotherGatewayWordExact(String codec, boolean kill) throws Exception {
    ToneScript script = ToneScript.numbered(16000, 800, 8, 2, 250);
    List<byte[]> messages = switch (codec) {
      case "opus" -> TestEncoders.opus(script.samples(), 16000, 320);
      case "lc3_fs1030" -> TestEncoders.lc3(script.samples(), 16000);
      default -> TestEncoders.aac(script.pcm(), 16000);
    };
    String query = "language=en&sample_rate=16000&codec=" + codec + "&channels=1";
    ResumingApp app;
    String id;
    try (GatewayProcess first = GatewayProcess.start(bootstrap, prefix, codec + "-" + kill, props())) {
      app = new ResumingApp(first::listenUri, GatewayInstance.token(user()), query, messages);
      id = app.start();
      int mid = messages.size() * 9 / 16; // inside the fifth of eight words
      app.sendUntil(mid, 10);
      if (kill) {
        first.kill();
      }
      app.drop();
      app.moveTo(survivor::listenUri);
      app.resume(null);
      app.finish();
    }
    ResumedTimeline timeline = ResumedTimeline.read(frames.awaitSession(id, PublishedSession::isEnded));
    HeardWords.assertExact(timeline.pcm(), script, 0);
  }

  /**
   * A two-channel call in omi's framing (docs/CONTRACT.md section 11), different tone words on each channel, its holder
   * killed with SIGKILL mid-word: the app resumes on the other gateway, which scans the tail per channel and continues
   * every channel's timeline. As the STT worker reads each channel: every word once. PCM with odd message sizes on
   * the mic (a cut is a resume point only where both channels' decoders are clean), and Opus (one decoder per
   * channel, each warmed up by its channel's message before the point). Then the socket drops again and the app
   * moves on while the survivor lives: it releases the session with every channel's exact numbers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"pcm16", "opus"})
  void aTwoChannelCallsHolderKilledEachChannelResumesOnAnotherGatewayWithEveryWordOnce(String codec) throws Exception {
    ToneScript mic = ToneScript.numbered(16000, 820, 8, 0, 250);
    ToneScript other = ToneScript.numbered(16000, 930, 6, 1, 350);
    List<byte[]> messages = codec.equals("opus")
        ? OmiFraming.interleave(TestEncoders.opus(mic.samples(), 16000, 320),
            TestEncoders.opus(other.samples(), 16000, 320))
        : OmiFraming.interleave(ResumingApp.split(mic.pcm(), 641), ResumingApp.split(other.pcm(), 640));
    ResumingApp app;
    String id;
    try (GatewayProcess doomed = GatewayProcess.start(bootstrap, prefix, "doomed-2ch-" + codec, props())) {
      app = new ResumingApp(doomed::listenUri, GatewayInstance.token(user()),
          "language=en&sample_rate=16000&codec=" + codec + "&channels=2", messages);
      id = app.start();
      int mid = messages.size() * 9 / 16; // inside the mic's fifth of eight words
      killMidSendAndResumeOnSurvivor(doomed, app, mid, 10, 6); // both channels' 20 ms in real time
    }
    double releasedBefore = holder.metrics().count("rstt.gateway.resumes", "outcome", "released");
    app.sendUntil(app.sent() + 40, 10);
    app.drop();
    app.moveTo(holder::listenUri); // and on to a third gateway, the survivor alive: it releases every channel's numbers
    app.resume(null);
    app.finish();
    assertThat(holder.metrics().count("rstt.gateway.resumes", "outcome", "released")).isEqualTo(releasedBefore + 1);

    var records = frames.awaitSession(id, PublishedChannels::isEnded);
    ResumedTimeline one = ResumedTimeline.channel(records, 1);
    ResumedTimeline two = ResumedTimeline.channel(records, 2);
    HeardWords.assertExact(one.pcm(), mic, 0);
    HeardWords.assertExact(two.pcm(), other, 0);
    if (codec.equals("pcm16")) {
      assertThat(one.pcm()).as("the mic's audio once, continuous").isEqualTo(mic.pcm());
      assertThat(two.pcm()).as("the other side's once, continuous").isEqualTo(other.pcm());
    }
    assertThat(one.ended().getReason()).isEqualTo("stop");
    assertThat(one.started().getGatewayId()).isEqualTo("doomed-2ch-" + codec);
  }
}
