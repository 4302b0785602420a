package dev.rstt.gateway.config;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.common.auth.InternalAuthProperties;
import dev.rstt.common.kafka.KafkaFactories;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioCodecs;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.auth.AuthMode;
import dev.rstt.gateway.auth.JwksKeys;
import dev.rstt.gateway.auth.TokenVerifier;
import dev.rstt.gateway.limits.ConnectionLimiter;
import dev.rstt.gateway.resume.PositionKeeper;
import dev.rstt.gateway.resume.PositionsView;
import dev.rstt.gateway.resume.PositionsWriter;
import dev.rstt.gateway.resume.ResumeHooks;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.resume.SessionResumer;
import dev.rstt.gateway.resume.TailScanner;
import dev.rstt.gateway.resume.TranscriptSnapshots;
import dev.rstt.gateway.session.AudioPublisher;
import dev.rstt.gateway.session.SessionSettings;
import dev.rstt.gateway.session.SessionRegistry;
import dev.rstt.gateway.session.UnackedBudget;
import dev.rstt.gateway.updates.UpdatesListener;
import dev.rstt.gateway.web.DevModeProperties;
import dev.rstt.gateway.ws.ChannelCapturingUpgradeStrategy;
import dev.rstt.gateway.ws.ListenHandler;
import dev.rstt.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.WebsocketServerSpec;

/** Wires the gateway: producer, updates consumer, socket handler, limits, auth. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

  private static final Logger log = LoggerFactory.getLogger(GatewayConfiguration.class);

  @Bean
  public Clock gatewayClock() {
    return Clock.systemUTC();
  }

  @Bean
  public String gatewayId(GatewayProperties props) {
    String id = props.instanceId().isBlank() ? "gw-" + UUID.randomUUID().toString().substring(0, 8)
        : props.instanceId();
    log.info("Gateway instance {}", id);
    return id;
  }

  /** Loads the native codec libraries once and says at start which codecs this server decodes. */
  @Bean
  public AudioCodecs audioCodecs(GatewayProperties props) {
    AudioCodecs codecs = AudioCodecs.load(props.codecs().lc3Library(), props.codecs().aacLibrary());
    List<String> available = new ArrayList<>();
    for (AudioFormat.Codec codec : AudioFormat.Codec.values()) {
      codecs.unavailable(codec).ifPresentOrElse(
          reason -> log.warn("Codec {} is UNAVAILABLE on this server (sockets asking for it are refused 1003): {}",
              codec.wireName(), reason),
          () -> available.add(codec.wireName()));
    }
    log.info("Codecs available: {}", String.join(", ", available));
    return codecs;
  }

  /** Development mode, the auth mode and the checks that refuse development settings outside it; the banner. */
  @Bean
  public SecurityPosture securityPosture(GatewayProperties props, DevModeProperties dev) {
    SecurityPosture posture = SecurityPosture.resolve(props, dev.devMode());
    posture.banner().forEach(log::warn);
    log.info("Token verification: {}", posture.auth());
    return posture;
  }

  @Bean
  public TokenVerifier tokenVerifier(SecurityPosture posture, GatewayProperties props,
      ObjectProvider<SslBundles> sslBundles) {
    AuthMode mode = posture.auth();
    int skew = (int) props.auth().clockSkew().toSeconds();
    if (mode.kind() == AuthMode.Kind.HS256) {
      return TokenVerifier.hs256(mode.hs256Secret(), mode.issuer(), mode.audience(), skew);
    }
    GatewayProperties.Jwks jwks = props.auth().jwks();
    SSLSocketFactory ssl = null;
    if (!jwks.sslBundle().isBlank()) {
      ssl = sslBundles.getObject().getBundle(jwks.sslBundle().strip()).createSslContext().getSocketFactory();
    }
    return TokenVerifier.jwks(JwksKeys.fromUrl(mode.jwksUrl(), jwks, ssl), mode.issuer(), mode.audience(), skew,
        JwksKeys.retryAfter(jwks));
  }

  @Bean
  public SessionRegistry sessionRegistry() {
    return new SessionRegistry();
  }

  @Bean
  public UnackedBudget globalUnackedBudget(GatewayProperties props) {
    return new UnackedBudget(props.backpressure().globalMaxUnackedBytes());
  }

  @Bean
  public GatewayMetrics gatewayMetrics(MeterRegistry meters, UnackedBudget global) {
    return new GatewayMetrics(meters, global::used);
  }

  @Bean
  public ConnectionLimiter connectionLimiter(GatewayProperties props, Clock clock) {
    return new ConnectionLimiter(props.limits().maxSessionsPerUser(), props.limits().connectBurst(),
        props.limits().connectRefill(), clock);
  }

  @Bean(destroyMethod = "close")
  public AudioPublisher audioPublisher(KafkaProperties kafka, Topics topics, GatewayMetrics metrics,
      UnackedBudget global, GatewayProperties props, @Qualifier("gatewayId") String gatewayId, MeterRegistry meters) {
    Map<String, Object> config = audioProducerSettings(kafka.buildProducerProperties());
    // The budgets bound what is handed over; the producer's buffer must hold all of it (plus batch slack), or a
    // send would block for max.block.ms and then fail.
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG,
        Math.max(32L * 1024 * 1024, 2 * props.backpressure().globalMaxUnackedBytes()));
    // send() blocks only for metadata of a topic it never saw (at start) or a full buffer
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, props.kafkaConnectTimeout().toMillis());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "rstt-gateway-" + gatewayId);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config,
        topics.audioFrames().keySerde().serializer(), topics.audioFrames().valueSerde().serializer());
    // the producer's own metrics (kafka_producer_*: queue time, request latency, batch sizes) on /actuator/prometheus
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(meters);
    return new AudioPublisher(producer, topics.audioFrames(), metrics, global, producerMetrics);
  }

  /**
   * The audio producer's delivery settings over {@code base} (the client settings): acknowledged by every in-sync
   * replica, idempotent, in order. Never gives up on a record: while Kafka is away the producer retries it (same
   * producer id and sequence, so the broker drops a copy it already has; in order: at most 5 in flight). A session's
   * records live as long as the session's publishing; memory is bounded by the unacked-bytes budgets, which stop
   * reading the app sockets, not by a delivery timeout that would drop audio (README "Kafka").
   */
  public static Map<String, Object> audioProducerSettings(Map<String, Object> base) {
    Map<String, Object> config = new HashMap<>(base);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    return config;
  }

  @Bean(destroyMethod = "dispose")
  public Scheduler gatewayTimers() {
    return Schedulers.newParallel("gateway-timers", Math.max(2, Runtime.getRuntime().availableProcessors()), true);
  }

  @Bean
  public ListenHandler listenHandler(GatewayProperties props, TokenVerifier verifier, ConnectionLimiter limiter,
      SessionRegistry registry, AudioPublisher publisher, GatewayMetrics metrics, Clock clock,
      Scheduler gatewayTimers, @Qualifier("gatewayId") String gatewayId, AudioCodecs codecs, ResumeHooks resume) {
    return new ListenHandler(props, verifier, limiter, registry, publisher, metrics, clock, gatewayTimers,
        gatewayId, codecs, resume);
  }

  // ---------------------------------------------------------------- resumable sessions (CONTRACT section 10)

  @Bean(destroyMethod = "close")
  public PositionsView positionsView(KafkaProperties kafka, Topics topics, GatewayProperties props,
      @Qualifier("gatewayId") String gatewayId, Clock clock) {
    // probed every position interval; not current once two leases passed without a read-through (one would flap
    // under load: a probe late by a GC pause or a busy broker is not an outage)
    PositionsView view = new PositionsView(kafka.buildConsumerProperties(), topics.sessionPositions(), gatewayId,
        clock, props.resume().positionInterval(), props.resume().lease().multipliedBy(2));
    view.start();
    return view;
  }

  @Bean(destroyMethod = "close")
  public PositionsWriter positionsWriter(KafkaProperties kafka, Topics topics, GatewayProperties props,
      @Qualifier("gatewayId") String gatewayId, PositionsView view, Clock clock) {
    return new PositionsWriter(kafka.buildProducerProperties(), topics.sessionPositions(), gatewayId,
        props.kafkaConnectTimeout(), view.freshness(), clock);
  }

  @Bean(destroyMethod = "close")
  public PositionKeeper positionKeeper(SessionRegistry registry, PositionsWriter writer, PositionsView view,
      GatewayProperties props, @Qualifier("gatewayId") String gatewayId, Clock clock, Scheduler gatewayTimers) {
    GatewayProperties.Resume r = props.resume();
    PositionKeeper keeper = new PositionKeeper(registry, writer, view, gatewayId, clock, gatewayTimers,
        r.positionInterval().toMillis(), r.lease().toMillis(), r.window().toMillis(),
        2 * r.handoverTimeout().toMillis() + r.positionInterval().toMillis());
    if (r.enabled()) {
      keeper.start();
    }
    return keeper;
  }

  @Bean
  public ResumeHooks resumeHooks(GatewayProperties props, SessionRegistry registry, PositionsView view,
      PositionsWriter writer, PositionKeeper keeper, KafkaProperties kafka, Topics topics, AudioPublisher publisher,
      AudioCodecs codecs, GatewayMetrics metrics, Scheduler gatewayTimers, @Qualifier("gatewayId") String gatewayId,
      Clock clock, InternalAuthProperties internal) {
    GatewayProperties.Resume r = props.resume();
    ResumeSettings settings = new ResumeSettings(r.window(), r.durableAckInterval());
    if (!r.enabled()) {
      log.info("Resumable sessions are off (rstt.gateway.resume.window=0s): a socket that goes away ends its session");
      return ResumeHooks.OFF;
    }
    SessionSettings sessionSettings = props.sessionSettings();
    SessionResumer resumer = new SessionResumer(registry, view, writer, keeper,
        new TailScanner(kafka.buildConsumerProperties(), topics.audioFrames(), java.time.Duration.ofSeconds(30)),
        new SessionResumer.Wiring(sessionSettings, settings, publisher, codecs, metrics, gatewayTimers), gatewayId,
        clock, r.handoverTimeout(), r.lease());
    keeper.onOrphan(resumer::endOrphan);
    return new ResumeHooks(settings, resumer, keeper,
        new TranscriptSnapshots(props.mergerUrl(), java.time.Duration.ofSeconds(5),
        internal.credential().authorizationHeader()));
  }

  @Bean
  public HealthIndicator sessionPositionsHealth(PositionsView view, GatewayProperties props) {
    return () -> !props.resume().enabled() || view.caughtUp() ? Health.up().build()
        : Health.outOfService().withDetail("session.positions", "not read up to date yet").build();
  }

  @Bean
  public HandlerMapping listenMapping(ListenHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/v4/listen", handler), -1);
  }

  @Bean
  public WebSocketHandlerAdapter webSocketHandlerAdapter(GatewayProperties props) {
    ReactorNettyRequestUpgradeStrategy strategy = new ReactorNettyRequestUpgradeStrategy(
        // Netty refuses (1009) frames over twice the limit before buffering them; between the limit and that,
        // the handler closes 1009 itself with an error message and a clean SessionEnded
        () -> WebsocketServerSpec.builder().maxFramePayloadLength(2 * props.maxFrameBytes()));
    return new WebSocketHandlerAdapter(new HandshakeWebSocketService(new ChannelCapturingUpgradeStrategy(strategy)));
  }

  @Bean
  public UpdatesListener updatesListener(SessionRegistry registry, GatewayMetrics metrics) {
    return new UpdatesListener(registry, metrics);
  }

  /**
   * Broadcast: a consumer group of its own per instance, from the end, with the isolation level of
   * {@code rstt.gateway.updates-isolation}.
   */
  @Bean
  public ConcurrentMessageListenerContainer<String, SessionUpdate> sessionUpdatesContainer(KafkaProperties kafka,
      Topics topics, CommonErrorHandler errorHandler, UpdatesListener listener,
      @Qualifier("gatewayId") String gatewayId, MeterRegistry meters, GatewayProperties props) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(ConsumerConfig.GROUP_ID_CONFIG, "rstt-gateway-" + gatewayId);
    overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, props.updatesIsolation().toString());
    overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    ConcurrentKafkaListenerContainerFactory<String, SessionUpdate> factory =
        KafkaFactories.listenerFactory(kafka, topics.sessionUpdates(), errorHandler, overrides);
    factory.getConsumerFactory().addListener(new MicrometerConsumerListener<>(meters));
    ConcurrentMessageListenerContainer<String, SessionUpdate> container =
        factory.createContainer(topics.sessionUpdates().name());
    container.getContainerProperties().setGroupId("rstt-gateway-" + gatewayId);
    container.getContainerProperties().setMessageListener(listener);
    container.getContainerProperties().setConsumerRebalanceListener(listener);
    container.setBeanName("sessionUpdatesContainer");
    return container;
  }

  @Bean
  public HealthIndicator sessionUpdatesHealth(UpdatesListener listener) {
    return () -> listener.assigned() ? Health.up().build()
        : Health.outOfService().withDetail("session.updates", "no partitions assigned yet").build();
  }

  @Bean
  public SessionsShutdown sessionsShutdown(SessionRegistry registry, AudioPublisher publisher) {
    return new SessionsShutdown(registry, publisher);
  }
}
