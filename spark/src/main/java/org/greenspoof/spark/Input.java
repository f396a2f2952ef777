package org.greenspoof.spark;

import java.io.Serializable;

/**
 * One utterance to embed, as the driver lists it and ships it to a task.
 *
 * @param position its place in the listing (protocol order, or sorted paths for a glob): the store's order
 * @param key      "bonafide" or "spoof", or null for unlabelled audio (a glob)
 */
public record Input(long position, String id, String path, String speaker, String attack, String key)
        implements Serializable {
}
