package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void shouldWriteTheOriginInSpringKafkasBinaryEncoding() {
    ConsumerRecord<String, byte[]> origin = new ConsumerRecord<>("audio.frames", 7, 0x0102030405L, "s-1",
        "raw".getBytes(StandardCharsets.UTF_8));
    origin.headers().add("trace", new byte[] {9});
    ProducerRecord<String, byte[]> dlt = DeadLetters.record(origin, new IllegalArgumentException("bad seq"));

    assertThat(dlt.topic()).isEqualTo("audio.frames-dlt");
    assertThat(dlt.partition()).isNull();
    assertThat(dlt.key()).isEqualTo("s-1");
    assertThat(dlt.value()).isEqualTo("raw".getBytes(StandardCharsets.UTF_8));
    Headers h = dlt.headers();
    assertThat(h.lastHeader("trace").value()).containsExactly(9);
    assertThat(h.lastHeader("kafka_dlt-original-topic").value())
        .isEqualTo("audio.frames".getBytes(StandardCharsets.UTF_8));
    assertThat(h.lastHeader("kafka_dlt-original-partition").value()).containsExactly(0, 0, 0, 7);
    assertThat(h.lastHeader("kafka_dlt-original-offset").value()).containsExactly(0, 0, 0, 1, 2, 3, 4, 5);
    assertThat(h.lastHeader("kafka_dlt-exception-fqcn").value())
        .isEqualTo(IllegalArgumentException.class.getName().getBytes(StandardCharsets.UTF_8));
    assertThat(h.lastHeader("kafka_dlt-exception-message").value())
        .isEqualTo("bad seq".getBytes(StandardCharsets.UTF_8));
  }
}
