package io.quorumkeeper.crds;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One field the object fails on, shaped like the API server's {@code field.Error}: the field path
 * ({@code spec.controllers}), the error type, the bad value as shown (or none), and the detail. For
 * a CEL rule, {@code rule} is the rule and {@code message} its message; for the OpenAPI checks,
 * {@code rule} is the schema keyword ({@code type}, {@code enum}, {@code minimum}...).
 */
public record Violation(String path, String rule, String message, Type type, String value) {

  /** The API server's field error types that this validator reports, with their reason names. */
  public enum Type {
    INVALID("FieldValueInvalid", "Invalid value", false),
    TYPE_INVALID("FieldValueTypeInvalid", "Invalid value", true),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
    REQUIRED("FieldValueRequired", "Required value", true),
    FORBIDDEN("FieldValueForbidden", "Forbidden", false),
    TOO_LONG("FieldValueTooLong", "Too long", true),
    TOO_MANY("FieldValueTooMany", "Too many", true);

    private final String reason;
    private final String text;
    private final boolean blocksRules;

    Type(String reason, String text, boolean blocksRules) {
      this.reason = reason;
      this.text = text;
      this.blocksRules = blocksRules;
    }

    /** The {@code reason} of a {@code StatusCause}, e.g. {@code FieldValueInvalid}. */
    public String reason() {
      return reason;
    }

    /**
     * Whether the API server skips the CEL rules after this error: wrong types, enums, required
     * fields and length/count limits would make the rules evaluate nonsense.
     */
    boolean blocksRules() {
      return blocksRules;
    }
  }

  /** The error as a {@code StatusCause} message: {@code Invalid value: "object": <message>}. */
  public String body() {
    String shown =
        value == null || type == Type.REQUIRED || type == Type.FORBIDDEN || type == Type.TOO_LONG
            ? type.text
            : type.text + ": " + value;
    return message == null || message.isEmpty() ? shown : shown + ": " + message;
  }

  /** {@code spec.controllers: Invalid value: "object": <message>}, as kubectl prints it. */
  public String describe() {
    return path.isEmpty() ? body() : path + ": " + body();
  }

  /** A value as the API server quotes it: strings in double quotes, numbers and booleans bare. */
  static String shown(JsonNode value) {
    return value.isTextual() ? quoted(value.textValue()) : value.toString();
  }

  static String quoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
