package io.quorumkeeper.operator.model;

import java.util.regex.Pattern;

/**
 * The syntax Kubernetes requires of names, label keys and values, so the operator can refuse a spec
 * with a readable reason before the API server refuses the objects rendered from it.
 */
public final class KubernetesNames {

  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  /** A StatefulSet's name plus "-" and a 10-character hash must fit a 63-character label. */
  static final int MAX_STATEFULSET_NAME = 52;

  private KubernetesNames() {}

  /** Service names, hence pool names, must be DNS-1035 labels. */
  public static boolean isDns1035Label(String s) {
    return s != null && s.length() <= 63 && DNS_1035_LABEL.matcher(s).matches();
  }

  /** Namespaces, StorageClasses and the like: DNS-1123 subdomains. */
  public static boolean isDns1123Subdomain(String s) {
    if (s == null || s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String part : s.split("\\.", -1)) {
      if (!DNS_1123_LABEL.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  /** A label or annotation key: an optional DNS-subdomain prefix and a 63-character name. */
  public static boolean isQualifiedKey(String key) {
    if (key == null || key.isEmpty()) {
      return false;
    }
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0 && !isDns1123Subdomain(key.substring(0, slash))) {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
  }

  /** A label value: empty, or up to 63 alphanumerics with '-', '_' or '.' inside. */
  public static boolean isLabelValue(String value) {
    return value != null && value.length() <= 63 && QUALIFIED_NAME.matcher(value).matches();
  }

  /**
   * A user's value as a message shows it: control characters escaped, long values cut, and quoted
   * when blank or holding spaces or quotes, so that the reader sees exactly where it ends.
   */
  public static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(64)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 64) {
      out.append("...");
    }
    boolean quote = value.isBlank() || value.chars().anyMatch(c -> c == ' ' || c == '"');
    return quote ? "\"" + out + "\"" : out.toString();
  }
}
