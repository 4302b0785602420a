package dev.rstt.common.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Drops the TRACE lines of the third-party loggers known to print whole records (key and value: audio,
 * transcript text, user ids) at TRACE, whatever level is configured for them: Kafka's producer ("Attempting to
 * append record ProducerRecord(...)"), Spring Kafka's producer factory ("CloseSafeProducer ... send(ProducerRecord(...))")
 * and Kafka Streams' processing internals (records being processed and sent). Their other levels are untouched.
 */
public final class PayloadTraceFilter extends TurboFilter {

  /** Logger name prefixes whose TRACE lines carry record contents. */
  public static final List<String> LOGGERS = List.of(
      "org.apache.kafka.clients.producer.KafkaProducer",
      "org.springframework.kafka.core.DefaultKafkaProducerFactory",
      "org.apache.kafka.streams.processor.internals");

  public PayloadTraceFilter() {
    setName(PayloadTraceFilter.class.getSimpleName());
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.TRACE || logger == null) {
      return FilterReply.NEUTRAL;
    }
    for (String prefix : LOGGERS) {
      if (logger.getName().startsWith(prefix)) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }

  /** Adds the filter to logback's context unless it is there (a logging re-initialisation removes it). */
  static void installInLogback() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      synchronized (PayloadTraceFilter.class) {
        boolean present = context.getTurboFilterList().stream().anyMatch(f -> f instanceof PayloadTraceFilter);
        if (!present) {
          PayloadTraceFilter filter = new PayloadTraceFilter();
          filter.setContext(context);
          filter.start();
          context.addTurboFilter(filter);
        }
      }
    }
  }
}
