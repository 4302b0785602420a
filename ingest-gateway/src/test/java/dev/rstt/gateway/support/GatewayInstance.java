package dev.rstt.gateway.support;

import dev.rstt.gateway.GatewayApplication;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.auth.DevTokenCli;
import dev.rstt.gateway.config.GatewayProperties;
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
  private final int port;

  private GatewayInstance(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
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
    Map<String, Object> props = new HashMap<>();
    props.put("server.port", "0");
    props.put("spring.kafka.bootstrap-servers", bootstrap);
    props.put("rstt.topics.audio-frames", prefix + "audio.frames");
    props.put("rstt.topics.audio-degraded", prefix + "audio.degraded");
    props.put("rstt.topics.transcript-events", prefix + "transcript.events");
    props.put("rstt.topics.session-updates", prefix + "session.updates");
    props.put("rstt.topics.session-positions", prefix + "session.positions");
    props.put("rstt.topics.partitions", "3");
    props.put("rstt.gateway.instance-id", instanceId);
    props.put("spring.main.banner-mode", "off");
    props.putAll(extra);
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

  public int port() {
    return port;
  }

  public URI listenUri(String query) {
    return URI.create("ws://localhost:" + port + "/v4/listen" + (query.isEmpty() ? "" : "?" + query));
  }

  public URI http(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  public GatewayMetrics metrics() {
    return context.getBean(GatewayMetrics.class);
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  /** A valid dev token for {@code uid}. */
  public static String token(String uid) {
    return DevTokenCli.token(uid, GatewayProperties.Auth.DEV_SECRET, Duration.ofHours(1), Clock.systemUTC());
  }

  @Override
  public void close() {
    context.close();
  }
}
