package org.attachmentpipeline.results;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.attachmentpipeline.results.delta.TopicIds;

/**
 * Topic ids for tests without Kafka: every topic has id {@code initial} until {@link #recreate}
 * gives it a new one, which, as with the real look-up, is seen by {@link #current} only after a
 * {@link #refresh}.
 */
public final class StubTopicIds implements TopicIds {

  private final String initial;
  private final Map<String, String> actual = new ConcurrentHashMap<>();
  private final Map<String, String> known = new ConcurrentHashMap<>();

  public StubTopicIds(String initial) {
    this.initial = initial;
  }

  /** The topic was deleted and created again: it now has id {@code newId}. */
  public void recreate(String topic, String newId) {
    actual.put(topic, newId);
  }

  @Override
  public String current(String topic) {
    String id = known.get(topic);
    return id != null ? id : refresh(topic);
  }

  @Override
  public String refresh(String topic) {
    String id = actual.getOrDefault(topic, initial);
    known.put(topic, id);
    return id;
  }
}
