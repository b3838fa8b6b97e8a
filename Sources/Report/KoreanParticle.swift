/// Korean particles that depend on whether the preceding word ends in a
/// consonant (batchim): 을/를, 이/가, 은/는, 와/과, 으로/로. Numbers are read
/// the Sino-Korean way ("3" 삼, "10" 십, "819,176" ...육), so "3으로", "5를",
/// "[2,5]를"; the output never needs "(으)로" or "을(를)".
enum KoreanParticle: String, CaseIterable, Sendable {
    case object = "을"
    case subject = "이"
    case topic = "은"
    case and = "과"
    case direction = "으로"

    /// The particle's form after a word with (`batchim`) or without a final consonant;
    /// `rieul` is a final ㄹ, which takes 로 rather than 으로.
    func form(batchim: Bool, rieul: Bool) -> String {
        switch self {
        case .object: return batchim ? "을" : "를"
        case .subject: return batchim ? "이" : "가"
        case .topic: return batchim ? "은" : "는"
        case .and: return batchim ? "과" : "와"
        case .direction: return batchim && !rieul ? "으로" : "로"
        }
    }

    /// `word` followed by this particle in the form its final sound takes.
    func after(_ word: String) -> String {
        let sound = Self.finalSound(word)
        return word + form(batchim: sound != .open, rieul: sound == .rieul)
    }

    enum FinalSound { case open, closed, rieul }

    /// How `word` ends when read aloud: the last Hangul syllable, number or
    /// Latin word; brackets, quotes and punctuation after it are not read.
    static func finalSound(_ word: String) -> FinalSound {
        let scalars = Array(word.unicodeScalars)
        var end = scalars.count - 1
        while end >= 0 {
            let s = scalars[end]
            if s == "%" { return .open }  // 퍼센트
            if (0xAC00...0xD7A3).contains(s.value) || ("0"..."9").contains(s) || s.isASCII && s.properties.isAlphabetic { break }
            end -= 1
        }
        guard end >= 0 else { return .open }
        let last = scalars[end]
        if (0xAC00...0xD7A3).contains(last.value) {
            let final = (last.value - 0xAC00) % 28
            return final == 0 ? .open : final == 8 ? .rieul : .closed
        }
        if ("0"..."9").contains(last) { return digitSound(Character(last)) }
        let letters = String(String.UnicodeScalarView(scalars[...end])).lowercased()
        if letters.hasSuffix("l") { return .rieul }
        if letters.hasSuffix("m") || letters.hasSuffix("n") || letters.hasSuffix("ng") { return .closed }
        return .open
    }

    /// The final sound of a number read in Sino-Korean, which its last digit
    /// decides: a trailing 0 ends it on 영 or on a place word (십, 백, 천, 만,
    /// 억), all closed and none a final ㄹ.
    static func digitSound(_ digit: Character) -> FinalSound {
        switch digit {
        case "1", "7", "8": return .rieul          // 일, 칠, 팔
        case "0", "3", "6": return .closed         // 영/십/백..., 삼, 육
        default: return .open                      // 이, 사, 오, 구
        }
    }
}
