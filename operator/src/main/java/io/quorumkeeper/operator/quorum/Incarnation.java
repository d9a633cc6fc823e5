package io.quorumkeeper.operator.quorum;

/** A controller incarnation: a node id and the directory id its disk was formatted with. */
public record Incarnation(int nodeId, String directoryId) {

  public static Incarnation of(Member member) {
    return new Incarnation(member.nodeId(), member.directoryId());
  }

  @Override
  public String toString() {
    return nodeId + "/" + directoryId;
  }
}
