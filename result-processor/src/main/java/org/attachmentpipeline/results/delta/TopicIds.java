package org.attachmentpipeline.results.delta;

/**
 * The id of each Kafka topic's current incarnation. A topic deleted and created again, or a broker
 * whose data was wiped, has a new id and offsets that start from 0 again: a table that tracks
 * offsets must know which incarnation they belong to.
 */
public interface TopicIds {

  /** The topic's id as last looked up; looked up when not known yet. */
  String current(String topic);

  /** Looks the topic's id up again and returns it. */
  String refresh(String topic);
}
