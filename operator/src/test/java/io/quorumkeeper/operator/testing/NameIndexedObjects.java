package io.quorumkeeper.operator.testing;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The mock API's store of objects (the CRUD dispatcher's map of attributes to JSON) with an index
 * by object name beside it, so that a request for one named object looks at the few objects of that
 * name. Fabric8's dispatcher filters every stored object on every request, and every status write
 * looks its object up: with 1,000 clusters (some 20,000 objects) the mock's one event-loop thread
 * was busy on that alone and {@code ScaleBenchmark} measured the mock, not the operator. Same
 * entries, same order; only lookups by name are faster.
 */
final class NameIndexedObjects extends LinkedHashMap<AttributeSet, String> {

  private static final String NAME = "name";

  private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

  /** Puts an index under the dispatcher's (still empty) store. */
  static NameIndexedObjects installIn(CrudDispatcher dispatcher) {
    try {
      Field field = CrudDispatcher.class.getDeclaredField("map");
      field.setAccessible(true);
      NameIndexedObjects objects = new NameIndexedObjects();
      objects.putAll(dispatcher.getMap());
      field.set(dispatcher, objects);
      return objects;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the mock's store is not where it was: " + e, e);
    }
  }

  /** The stored entry whose attributes match {@code query}, when the query names its object. */
  synchronized Map.Entry<AttributeSet, String> find(AttributeSet query) {
    String name = nameOf(query);
    for (AttributeSet key : byName.getOrDefault(name, Set.of())) {
      String value = get(key);
      if (value != null && key.matches(query)) {
        return Map.entry(key, value);
      }
    }
    return null;
  }

  static boolean named(AttributeSet query) {
    return nameOf(query) != null;
  }

  private static String nameOf(AttributeSet attributes) {
    Attribute name = attributes.getAttribute(NAME);
    return name == null || name.getValues().size() != 1 ? null : name.getValues().get(0).toString();
  }

  @Override
  public synchronized String put(AttributeSet key, String value) {
    String name = nameOf(key);
    if (name != null) {
      byName.computeIfAbsent(name, n -> new HashSet<>()).add(key);
    }
    return super.put(key, value);
  }

  @Override
  public synchronized String remove(Object key) {
    if (key instanceof AttributeSet attributes) {
      String name = nameOf(attributes);
      Set<AttributeSet> keys = name == null ? null : byName.get(name);
      if (keys != null) {
        keys.remove(attributes);
        if (keys.isEmpty()) {
          byName.remove(name);
        }
      }
    }
    return super.remove(key);
  }

  @Override
  public synchronized void clear() {
    byName.clear();
    super.clear();
  }
}
