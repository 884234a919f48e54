package org.attachmentpipeline.testsupport;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A partition's end offset and a group's committed offset on it, read through an admin client. */
public final class GroupOffsets {

  private GroupOffsets() {}

  public static long end(Admin admin, TopicPartition partition) throws Exception {
    return admin
        .listOffsets(Map.of(partition, OffsetSpec.latest()))
        .partitionResult(partition)
        .get()
        .offset();
  }

  /** The offset {@code group} has committed on {@code partition}, or -1. */
  public static long committed(Admin admin, String group, TopicPartition partition)
      throws Exception {
    OffsetAndMetadata offset =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
    return offset == null ? -1 : offset.offset();
  }
}
