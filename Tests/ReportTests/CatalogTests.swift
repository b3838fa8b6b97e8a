import Charts
import Testing
@testable import Report

@Suite("Message catalog and Korean particles")
struct CatalogTests {
    @Test("English and Korean have the same placeholders in every message, and every particle is one the function knows")
    func samePlaceholders() {
        for message in Message.allCases {
            let en = Catalog.placeholders(message.text.en), ko = Catalog.placeholders(message.text.ko)
            #expect(Set(en.map(\.name)) == Set(ko.map(\.name)), "\(message): \(en.map(\.name)) against \(ko.map(\.name))")
            #expect(en.allSatisfy { $0.particle == nil }, "\(message): a particle in English")
            #expect(ko.compactMap(\.particle).allSatisfy { KoreanParticle(rawValue: $0) != nil }, "\(message): \(ko.compactMap(\.particle))")
            #expect(!message.text.en.isEmpty && !message.text.ko.isEmpty)
        }
    }

    @Test("a particle follows the final sound of the word or number before it")
    func particles() {
        #expect(KoreanParticle.direction.after("3") == "3으로")
        #expect(KoreanParticle.object.after("5") == "5를")
        #expect(KoreanParticle.object.after("[2,5]") == "[2,5]를")
        #expect(KoreanParticle.direction.after("1") == "1로", "일 ends in ㄹ, which takes 로")
        #expect(KoreanParticle.direction.after("1-10") == "1-10으로" && KoreanParticle.direction.after("epoch 3-6") == "epoch 3-6으로")
        #expect(KoreanParticle.direction.after("819,176") == "819,176으로")
        #expect(KoreanParticle.subject.after("모델1") == "모델1이" && KoreanParticle.subject.after("모델2") == "모델2가")
        #expect(KoreanParticle.topic.after("Model 3") == "Model 3은" && KoreanParticle.topic.after("Model 2") == "Model 2는")
        #expect(KoreanParticle.and.after("학습") == "학습과" && KoreanParticle.and.after("모델") == "모델과" && KoreanParticle.and.after("seed") == "seed와")
        #expect(KoreanParticle.direction.after("서울") == "서울로" && KoreanParticle.direction.after("학교") == "학교로" && KoreanParticle.direction.after("집") == "집으로")
        #expect(KoreanParticle.object.after("98%") == "98%를")
        #expect(KoreanParticle.direction.after("20") == "20으로" && KoreanParticle.object.after("100") == "100을")
    }

    @Test("filled Korean messages never carry a particle left for the reader to choose")
    func noUnresolvedParticles() {
        let values = ["subject": "Model 1", "models": "model3", "written": "[2,5]", "one": "2-5", "zero": "3-6", "level": "98%", "early": "Model 3", "late": "Model 2"]
        for message in Message.allCases {
            let text = Catalog.text(message, .ko, values)
            for unresolved in ["(으)로", "을(를)", "이(가)", "은(는)", "와(과)", "를(을)", "가(이)"] {
                #expect(!text.contains(unresolved), "\(message): \(text)")
            }
        }
        #expect(Catalog.text(.readingsAgree, .ko, values).contains("[2,5]는 epoch 2-5로"))
    }
}

@Suite("Numbers")
struct NumberTests {
    @Test("one minus sign, U+2212, for signs and exponents; a range keeps its dash")
    func minus() {
        #expect(Numbers.signed(-0.1) == "\u{2212}0.10" && Numbers.signed(0.18) == "+0.18" && Numbers.signed(-0.001) == "+0.00")
        #expect(MinusSign.inText("eps 1e-08, -0.5, epochs 3-6, model-3") == "eps 1e\u{2212}08, \u{2212}0.5, epochs 3-6, model-3")
    }
}
