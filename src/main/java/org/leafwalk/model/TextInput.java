package org.leafwalk.model;

/** A tokenized sentence: the text, its token ids, token types and token strings (special tokens included). */
public record TextInput(String text, long[] ids, long[] types, String[] tokens) {
    public int length() {
        return ids.length;
    }
}
