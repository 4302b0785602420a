package dev.rstt.merger.topology;

import org.apache.avro.specific.SpecificRecord;

/**
 * A value read from {@code transcript.events}: decoded, or the raw bytes and why they could not be decoded.
 * Keeping the bytes lets the topology dead-letter a poison record inside its exactly-once transaction.
 */
public sealed interface Inbound {

  byte[] raw();

  record Decoded(SpecificRecord record, byte[] raw) implements Inbound {
  }

  record Undecodable(byte[] raw, RuntimeException error) implements Inbound {
  }
}
