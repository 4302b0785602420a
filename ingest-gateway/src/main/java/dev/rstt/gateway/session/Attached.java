package dev.rstt.gateway.session;

/** A socket attached to a session: its attachment number, and the app message index the app sends from. */
public record Attached(int attachment, long from) {
}
