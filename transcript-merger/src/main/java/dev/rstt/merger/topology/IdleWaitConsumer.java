package dev.rstt.merger.topology;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The stream thread's main consumer, unchanged except for how long a poll may wait when the merger is idle. Kafka
 * Streams polls for {@code poll.ms} (bounded by the 20 ms commit interval, so that the commit of what was just
 * processed does not wait for the next input) whether or not anything has arrived for a while: about 50 empty
 * loops a second, a merger's largest idle cost. After {@link #QUIET_POLLS} polls in a row found nothing, every
 * commit due for what was processed before them has been made (each loop commits once the interval has passed), so
 * the next poll may wait up to {@code idle}: records end the wait as soon as a fetch returns them, so the first
 * record after a quiet time is not delayed; once a poll returns records the short polls are back.
 */
public final class IdleWaitConsumer extends KafkaConsumer<byte[], byte[]> {

  /** Empty polls in a row after which the thread is idle (the second one ends at least a commit interval late). */
  static final int QUIET_POLLS = 2;

  private final Duration idle;
  private int emptyPolls;

  public IdleWaitConsumer(Map<String, Object> config, Duration idle) {
    super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.idle = idle;
  }

  /** How long a poll that Kafka Streams asks to wait {@code asked} waits, after {@code emptyPolls} empty polls. */
  static Duration wait(Duration asked, int emptyPolls, Duration idle) {
    return emptyPolls >= QUIET_POLLS && idle.compareTo(asked) > 0 ? idle : asked;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    // a zero-timeout poll (restoration, a rebalance, shutdown) is never lengthened
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout.isZero() ? timeout : wait(timeout, emptyPolls, idle));
    emptyPolls = records.isEmpty() ? Math.min(emptyPolls + 1, QUIET_POLLS) : 0;
    return records;
  }
}
