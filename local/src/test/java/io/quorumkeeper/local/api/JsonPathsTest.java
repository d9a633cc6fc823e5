package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSONPath of printer columns, as the API server's table convertor evaluates it. */
class JsonPathsTest {

  private static final JsonNode OBJECT =
      read(
          """
          {"metadata": {"name": "orders"},
           "status": {"quorum": {"leaderId": 0, "members": [{"pod": "a"}, {"pod": "b"}]},
                      "conditions": [{"type": "QuorumHealthy", "status": "False"},
                                     {"type": "Ready", "status": "True"}]}}
          """);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "<none>",
      value = {
        ".metadata.name | \"orders\"",
        ".status.quorum.leaderId | 0",
        ".status.conditions[?(@.type==\"Ready\")].status | \"True\"",
        ".status.conditions[?(@.type=='QuorumHealthy')].status | \"False\"",
        ".status.conditions[?(@.type!=\"Ready\")].type | \"QuorumHealthy\"",
        ".status.quorum.members[1].pod | \"b\"",
        ".status.quorum.members[-1].pod | \"b\"",
        ".status.quorum.members[*].pod | \"a\"",
        "{.metadata['name']} | \"orders\"",
        ".status.quorum.leaderEpoch | <none>",
        ".status.conditions[?(@.type==\"Missing\")].status | <none>",
      })
  void givenColumnPath_whenEvaluated_thenTheFirstMatch(String path, String expected) {
    JsonNode found = JsonPaths.first(OBJECT, path);

    assertThat(found == null ? null : found.toString()).isEqualTo(expected);
  }

  private static JsonNode read(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
