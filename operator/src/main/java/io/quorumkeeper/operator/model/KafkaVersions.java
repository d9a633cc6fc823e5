package io.quorumkeeper.operator.model;

/**
 * The Kafka version a quorum-node image runs: its tag ({@link ModelSettings#image(String)} tags
 * every image with the Kafka version it bundles). Pure.
 */
public final class KafkaVersions {

  private KafkaVersions() {}

  /** The tag of an image reference ({@code repo/name:4.4.0} → {@code 4.4.0}), or null. */
  public static String tag(String image) {
    if (image == null) {
      return null;
    }
    String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : null;
  }

  /**
   * What a roll from {@code runningImage} to {@code desiredImage} changes, as a roll reason says
   * it: "Kafka version 4.3.1 -> 4.4.0", "image a -> b", or null when the image stays.
   */
  public static String change(String runningImage, String desiredImage) {
    if (runningImage == null || desiredImage == null || runningImage.equals(desiredImage)) {
      return null;
    }
    String from = tag(runningImage);
    String to = tag(desiredImage);
    if (from != null && to != null && !from.equals(to)) {
      return "Kafka version " + from + " -> " + to;
    }
    return "image " + runningImage + " -> " + desiredImage;
  }
}
