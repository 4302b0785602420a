package dev.rstt.gateway.session;

/** Where Kafka stored a record: partition and offset of audio.frames (-1, -1 when the sink does not say). */
public record Placement(int partition, long offset) {

  public static final Placement UNKNOWN = new Placement(-1, -1);
}
