package io.quorumkeeper.node.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/** The rendered server.properties as text: read as Kafka reads it, and settings appended. */
final class PropertiesText {

  private PropertiesText() {}

  static Properties parse(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  /**
   * A setting's number, or {@code otherwise} when it is unset or not a number (Kafka refuses the
   * latter at its start; an estimate made from the default changes nothing about that).
   */
  static long number(String value, long otherwise) {
    if (value != null) {
      try {
        return Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }

  /** The text with a comment line and the settings after it; the text itself if there are none. */
  static String append(String text, String comment, Map<String, String> settings) {
    if (settings.isEmpty()) {
      return text;
    }
    StringBuilder appended = new StringBuilder(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      appended.append('\n');
    }
    appended.append("# ").append(comment).append('\n');
    settings.forEach((k, v) -> appended.append(k).append('=').append(v).append('\n'));
    return appended.toString();
  }
}
