package io.quorumkeeper.node.config;

import io.quorumkeeper.node.LaunchException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the {@code ${NAME}} placeholders of the operator's server.properties template. Pure: a name outside the
 * contract, a contract name without a value, or an unterminated {@code ${} is an error naming the line, never a
 * silently empty value.
 */
public final class TemplateRenderer {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  private final Set<String> knownNames;

  public TemplateRenderer(Set<String> knownNames) {
    this.knownNames = Set.copyOf(knownNames);
  }

  /** Renders {@code template}; {@code values} maps placeholder names to their text. */
  public String render(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    String[] lines = template.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(renderLine(lines[i], i + 1, values));
    }
    return out.toString();
  }

  private String renderLine(String line, int lineNumber, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(line);
    StringBuilder out = new StringBuilder(line.length());
    int end = 0;
    while (matcher.find()) {
      String name = matcher.group(1);
      out.append(line, end, matcher.start()).append(valueOf(name, lineNumber, values));
      end = matcher.end();
    }
    String rest = line.substring(end);
    if (rest.contains("${")) {
      throw LaunchException.badInput(
          "server.properties template line "
              + lineNumber
              + ": unterminated placeholder in '"
              + line
              + "'");
    }
    return out.append(rest).toString();
  }

  private String valueOf(String name, int lineNumber, Map<String, String> values) {
    if (!knownNames.contains(name)) {
      throw LaunchException.badInput(
          "server.properties template line "
              + lineNumber
              + ": unknown placeholder ${"
              + name
              + "}; known: "
              + knownNames.stream().sorted().toList());
    }
    String value = values.get(name);
    if (value == null) {
      throw LaunchException.badInput(
          "server.properties template line "
              + lineNumber
              + ": placeholder ${"
              + name
              + "} has no value; is the environment variable set?");
    }
    return value;
  }
}
