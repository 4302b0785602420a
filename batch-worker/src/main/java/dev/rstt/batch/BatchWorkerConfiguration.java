package dev.rstt.batch;

import dev.rstt.batch.deepgram.PrerecordedClient;
import dev.rstt.batch.deepgram.ResilientTranscriber;
import dev.rstt.batch.internal.BatchEngine;
import dev.rstt.batch.internal.BatchWorker;
import dev.rstt.batch.internal.BatchWorkerHealth;
import dev.rstt.common.kafka.KafkaFactories;
import dev.rstt.schemas.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Wires the poll loop, the resilient pre-recorded client and the producers. */
@Configuration(proxyBeanMethods = false)
public class BatchWorkerConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService deepgramRetryScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "deepgram-retry");
      t.setDaemon(true);
      return t;
    });
  }

  @Bean
  CircuitBreakerRegistry circuitBreakerRegistry(BatchProperties props, MeterRegistry meters) {
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(ResilientTranscriber.breakerConfig(props.breaker()));
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    return registry;
  }

  @Bean
  RetryRegistry retryRegistry(BatchProperties props, MeterRegistry meters) {
    RetryRegistry registry = RetryRegistry.of(ResilientTranscriber.retryConfig(props.retry()));
    TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
    return registry;
  }

  @Bean
  ResilientTranscriber resilientTranscriber(BatchProperties props, CircuitBreakerRegistry breakers,
      RetryRegistry retries, ScheduledExecutorService deepgramRetryScheduler, Clock clock) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(props.deepgram().connectTimeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    ObjectMapper json = JsonMapper.builder().build();
    PrerecordedClient client = new PrerecordedClient(http, props.deepgram().baseUrl(), props.deepgram().model(),
        props.deepgram().authorizationKey(), props.deepgram().requestTimeout(), json, clock);
    CircuitBreaker breaker = breakers.circuitBreaker(ResilientTranscriber.NAME);
    Retry retry = retries.retry(ResilientTranscriber.NAME);
    return new ResilientTranscriber(client, breaker, retry, deepgramRetryScheduler);
  }

  @Bean
  KafkaTemplate<String, SpecificRecord> transcriptEventsTemplate(KafkaProperties kafka, Topics topics) {
    return KafkaFactories.template(kafka, topics.transcriptEvents(), Map.of()); // failed sends logged by coordinates
  }

  /** Closes the transcript producer at shutdown, after the poll loop stopped (lifecycle stops come first). */
  @Bean
  DisposableBean transcriptEventsProducerCloser(KafkaTemplate<String, SpecificRecord> transcriptEventsTemplate) {
    return () -> {
      if (transcriptEventsTemplate.getProducerFactory() instanceof DisposableBean factory) {
        factory.destroy();
      }
    };
  }

  @Bean
  BatchWorker batchWorker(BatchProperties props, KafkaProperties kafka, Topics topics,
      KafkaTemplate<String, SpecificRecord> transcriptEventsTemplate,
      @Qualifier("deadLetterTemplate") KafkaTemplate<Object, Object> deadLetterTemplate,
      ResilientTranscriber transcriber, Clock clock, MeterRegistry meters) {
    Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
    // Bounded prefetch: what the consumer holds before we read it counts against memory too.
    consumer.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    consumer.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
    consumer.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    consumer.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    BatchEngine.Wiring wiring = new BatchEngine.Wiring(topics.audioDegraded(), topics.transcriptEvents().name(),
        new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer()),
        transcriptEventsTemplate::send, deadLetterTemplate::send, transcriber, transcriber.breaker());
    return new BatchWorker(new BatchEngine(props, wiring, meters, clock));
  }

  @Bean
  BatchWorkerHealth batchWorkerHealthIndicator(BatchWorker batchWorker) {
    return new BatchWorkerHealth(batchWorker);
  }
}
