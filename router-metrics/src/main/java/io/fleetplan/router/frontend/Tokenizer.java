package io.fleetplan.router.frontend;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Arrays;

/**
 * A deterministic stand-in tokenizer (the mocker has no real model, so there is no vocabulary to load).
 * Text is split into pieces the way BPE tokenizers roughly do: a run of letters or digits (with the
 * whitespace before it) becomes one token per 4 characters, every other non-space character is a token of its
 * own. So English text counts about one token per 4 characters, close to real tokenizers, and equal text
 * always gives equal ids, which is what prefix caching needs. Ids are a hash of the piece into [256, 50256).
 * Output tokens are rendered as words from a fixed list ({@link #decode}).
 */
public final class Tokenizer {

    public static final int VOCAB = 50_256;
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or "
                    + "his from at which but have an they you were her she there been one all we their has would when "
                    + "if so no will can more other out up into time some could them then these two may first only new "
                    + "way very well about many through must where much before right too any same tell does set three "
                    + "want air also play small end put home read hand port large spell add even land here must big high "
                    + "such follow act why ask men change went light kind off need house picture try us again animal "
                    + "point mother world near build self earth father head stand own page should country found answer "
                    + "school grow study still learn plant cover food sun four between state keep eye never last let "
                    + "thought city tree cross farm hard start might story saw far sea draw left late run while press "
                    + "close night real life few north open seem together next white children begin got walk example")
            .split(" ");
    /** What each word renders as (a space and the word), made once: a token costs no new String. */
    private static final String[] PIECES =
            Arrays.stream(WORDS).map(w -> " " + w).toArray(String[]::new);
    /** The same pieces as JSON string content (escaped, UTF-8, without the quotes), for SSE events. */
    private static final byte[][] PIECES_JSON = Arrays.stream(PIECES)
            .map(p -> JsonStringEncoder.getInstance().quoteAsUTF8(p))
            .toArray(byte[][]::new);

    private Tokenizer() {}

    public static int[] encode(String text) {
        int[] out = new int[Math.max(4, text.length() / 3 + 2)];
        int n = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            int start = i;
            while (i < len && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == len) {
                if (i > start) {
                    out = grow(out, n);
                    out[n++] = piece(text, start, i);
                }
                break;
            }
            if (Character.isLetterOrDigit(text.charAt(i))) {
                int wordStart = i;
                while (i < len && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
                // one token per 4 characters of the word; the leading space joins the first piece
                for (int p = wordStart; p < i; p += 4) {
                    out = grow(out, n);
                    out[n++] = piece(text, p == wordStart ? start : p, Math.min(i, p + 4));
                }
            } else {
                i++;
                out = grow(out, n);
                out[n++] = piece(text, start, i);
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] grow(int[] a, int n) {
        return n < a.length ? a : Arrays.copyOf(a, a.length * 2);
    }

    private static int piece(String text, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ text.charAt(i)) * 0x01000193;
        }
        return 256 + Math.floorMod(h, VOCAB - 256);
    }

    /** Text of generated tokens: each id renders as a space and a word. */
    public static String decode(int tokenId) {
        return PIECES[Math.floorMod(tokenId, PIECES.length)];
    }

    /** {@link #decode} as the content of a JSON string: escaped, UTF-8, without quotes. Do not modify the array. */
    static byte[] decodeJson(int tokenId) {
        return PIECES_JSON[Math.floorMod(tokenId, PIECES_JSON.length)];
    }
}
