package dev.rstt.stt;

import dev.rstt.schemas.Topics;
import dev.rstt.stt.config.SttProperties;
import dev.rstt.stt.deepgram.DeepgramLiveClient;
import dev.rstt.stt.internal.Breakers;
import dev.rstt.stt.internal.SttEngine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the engine: its consumer and producers, the Deepgram client and the deepgram-live breaker. */
@Configuration(proxyBeanMethods = false)
public class SttWorkerConfiguration {

  /**
   * One client for every live socket; its callbacks only hand events to the engine, so two threads serve any
   * number of sockets (plus the client's own selector thread).
   */
  @Bean(destroyMethod = "shutdownNow")
  java.util.concurrent.ExecutorService deepgramIoExecutor() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "deepgram-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Bean(destroyMethod = "")
  HttpClient deepgramHttpClient(SttProperties props, java.util.concurrent.ExecutorService deepgramIoExecutor) {
    return HttpClient.newBuilder().connectTimeout(props.deepgram().connectTimeout()).executor(deepgramIoExecutor)
        .build();
  }

  @Bean
  DeepgramLiveClient deepgramLiveClient(HttpClient deepgramHttpClient, SttProperties props) {
    SttProperties.Deepgram dg = props.deepgram();
    return new DeepgramLiveClient(deepgramHttpClient, dg.baseUrl(), dg.effectiveKey(), dg.model(), dg.endpointing(),
        dg.connectTimeout());
  }

  @Bean
  CircuitBreakerRegistry sttCircuitBreakerRegistry(SttProperties props, MeterRegistry meters) {
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(Breakers.config(props.breaker()));
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    return registry;
  }

  @Bean
  CircuitBreaker deepgramLiveBreaker(CircuitBreakerRegistry sttCircuitBreakerRegistry) {
    return sttCircuitBreakerRegistry.circuitBreaker(Breakers.NAME);
  }

  @Bean
  EngineLifecycle sttEngine(SttProperties props, Topics topics, KafkaProperties kafka, DeepgramLiveClient client,
      CircuitBreaker deepgramLiveBreaker, MeterRegistry meters) {
    Map<String, Object> consumerProps = kafka.buildConsumerProperties();
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    consumerProps.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    consumerProps.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
        new ByteArrayDeserializer());
    // When live sockets die, every session's unfinished audio is rerouted at once: a burst of thousands of 3 KB
    // chunks. With 16 KiB batches, five requests in flight carried too little of it at a time and records
    // queued in the producer for up to 0.9 s, delaying the acknowledgement that stt_degraded waits for.
    KafkaProducer<String, SpecificRecord> degraded = producer(kafka, topics.audioDegraded().valueSerde().serializer(),
        "degraded", Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
    KafkaProducer<String, SpecificRecord> events = producer(kafka,
        topics.transcriptEvents().valueSerde().serializer(), "events");
    KafkaProducer<String, byte[]> deadLetters = producer(kafka, new ByteArraySerializer(), "dlt");
    SttEngine engine = new SttEngine(props, topics, consumer, degraded, events, deadLetters, client,
        deepgramLiveBreaker, meters, Clock.systemUTC());
    // the clients' own metrics (kafka_consumer_*, kafka_producer_*) on /actuator/prometheus
    KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
    KafkaClientMetrics degradedMetrics = new KafkaClientMetrics(degraded);
    KafkaClientMetrics eventsMetrics = new KafkaClientMetrics(events);
    for (KafkaClientMetrics m : List.of(consumerMetrics, degradedMetrics, eventsMetrics)) {
      m.bindTo(meters);
    }
    return new EngineLifecycle(engine, degraded, events, deadLetters, consumerMetrics, degradedMetrics,
        eventsMetrics);
  }

  private static <V> KafkaProducer<String, V> producer(KafkaProperties kafka, Serializer<V> values, String name) {
    return producer(kafka, values, name, Map.of());
  }

  private static <V> KafkaProducer<String, V> producer(KafkaProperties kafka, Serializer<V> values, String name,
      Map<String, Object> defaults) {
    Map<String, Object> p = kafka.buildProducerProperties();
    defaults.forEach(p::putIfAbsent);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "stt-worker-" + name + "-" + java.util.UUID.randomUUID());
    return new KafkaProducer<>(p, new StringSerializer(), values);
  }

  @Bean
  HealthIndicator sttEngineHealth(EngineLifecycle sttEngine) {
    return () -> sttEngine.isRunning() ? Health.up().build()
        : Health.down().withDetail("engine", "not running").build();
  }

  /** Runs the engine on its own thread from start to stop. */
  public static final class EngineLifecycle implements SmartLifecycle {
    private final SttEngine engine;
    private final AutoCloseable[] closeables;
    private Thread thread;

    /** @param closeables closed in order after the engine stopped (its producers, then metrics binders) */
    EngineLifecycle(SttEngine engine, AutoCloseable... closeables) {
      this.engine = engine;
      this.closeables = closeables;
    }

    @Override
    public synchronized void start() {
      if (thread == null) {
        thread = new Thread(engine, "stt-engine");
        thread.start();
      }
    }

    @Override
    public synchronized void stop() {
      if (thread == null) {
        return;
      }
      engine.stop();
      try {
        thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (AutoCloseable p : closeables) {
        try {
          p.close();
        } catch (Exception ignored) {
          // shutting down
        }
      }
      thread = null;
    }

    @Override
    public synchronized boolean isRunning() {
      return thread != null && (engine.isRunning() || thread.isAlive());
    }
  }
}
