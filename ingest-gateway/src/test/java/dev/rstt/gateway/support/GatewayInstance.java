package dev.rstt.gateway.support;

import dev.rstt.gateway.GatewayApplication;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.updates.UpdatesListener;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One real gateway (a Spring context on a random port) for broker tests. */
public final class GatewayInstance implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  /** The internal credential the gateways of these tests send to the merger. */
  public static final String INTERNAL_SECRET = "gateway-tests-internal-secret-0123456789";

  private final int port;
  private final int managementPort;

  private GatewayInstance(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
  }

  /** The catalogue of the topics a gateway started with {@code prefix} publishes to and reads from. */
  public static Topics topics(String prefix) {
    return Topics.of(Map.of(Topics.AUDIO_FRAMES, prefix + "audio.frames", Topics.SESSION_UPDATES,
        prefix + "session.updates", Topics.SESSION_POSITIONS, prefix + "session.positions"),
        ValueSerdeProvider.avroSingleObject());
  }

  /** Starts a gateway on {@code bootstrap} with topic names under {@code prefix}, plus {@code extra} properties. */
  public static GatewayInstance start(String bootstrap, String prefix, String instanceId, Map<String, Object> extra,
      boolean waitForUpdates) {
    Map<String, Object> props = properties(bootstrap, prefix, instanceId, extra);
    // command-line arguments outrank application.yml (builder "properties" would not)
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(GatewayApplication.class).run(args);
    GatewayInstance instance = new GatewayInstance(ctx);
    if (waitForUpdates) {
      Awaitility.await("session.updates assigned").atMost(Duration.ofSeconds(60))
          .until(() -> ctx.getBean(UpdatesListener.class).assigned());
    }
    return instance;
  }

  /** The configuration {@link #start} gives a gateway (also used for gateways in a JVM of their own). */
  public static Map<String, Object> properties(String bootstrap, String prefix, String instanceId,
      Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put("server.port", "0");
    props.put("management.server.port", "0");
    props.put("rstt.internal.secret", INTERNAL_SECRET);
    props.put("spring.kafka.bootstrap-servers", bootstrap);
    props.put("rstt.topics.audio-frames", prefix + "audio.frames");
    props.put("rstt.topics.audio-degraded", prefix + "audio.degraded");
    props.put("rstt.topics.transcript-events", prefix + "transcript.events");
    props.put("rstt.topics.session-updates", prefix + "session.updates");
    props.put("rstt.topics.session-positions", prefix + "session.positions");
    props.put("rstt.topics.partitions", "3");
    props.put("rstt.gateway.instance-id", instanceId);
    props.put("spring.main.banner-mode", "off");
    // Development mode with this run's random HS256 secret, unless the test configures JWKS itself; audio may come
    // as fast as the tests send it (pacing is tested on its own) and every test connects from 127.0.0.1.
    if (!extra.containsKey("rstt.gateway.auth.jwks-url")) {
      props.put("rstt.dev-mode", "true");
      props.put("rstt.gateway.auth.hs256-secret", SECRET);
      props.put("rstt.gateway.limits.max-speed", "1000");
    }
    props.put("rstt.gateway.limits.ip-connect-burst", "100000");
    props.put("rstt.gateway.limits.ip-connect-refill", "1ms");
    props.putAll(extra);
    return props;
  }

  public int port() {
    return port;
  }

  public URI listenUri(String query) {
    return URI.create("ws://localhost:" + port + "/v4/listen" + (query.isEmpty() ? "" : "?" + query));
  }

  public URI http(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  /** A URI on the management port (health, metrics), bound to loopback. */
  public URI management(String path) {
    return URI.create("http://127.0.0.1:" + managementPort + path);
  }

  public GatewayMetrics metrics() {
    return context.getBean(GatewayMetrics.class);
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  /** The HS256 secret of every development-mode gateway of this test run: random, never a constant. */
  public static final String SECRET = DevTokens.randomSecret();

  /** A valid development token for {@code uid}. */
  public static String token(String uid) {
    return DevTokens.mint(uid, SECRET, Duration.ofHours(1), Clock.systemUTC());
  }

  @Override
  public void close() {
    context.close();
  }
}
