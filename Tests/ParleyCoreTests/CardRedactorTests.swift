import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Card number redaction")
struct CardRedactorTests {
    // MARK: Card brands

    @Test(
        "Luhn-valid numbers of every length and brand are masked",
        arguments: [
            ("4222222222222", "422222▇▇▇2222"),  // Visa, 13 digits
            ("4242424242424242", "424242▇▇▇▇▇▇4242"),  // Visa, 16
            ("4111111111111111", "411111▇▇▇▇▇▇1111"),  // Visa, 16
            ("4012888888881881", "401288▇▇▇▇▇▇1881"),  // Visa, 16
            ("4000000000000000006", "400000▇▇▇▇▇▇▇▇▇0006"),  // Visa, 19
            ("4111111111111111110", "411111▇▇▇▇▇▇▇▇▇1110"),  // Visa, 19
            ("5555555555554444", "555555▇▇▇▇▇▇4444"),  // Mastercard
            ("5105105105105100", "510510▇▇▇▇▇▇5100"),  // Mastercard
            ("2223003122003222", "222300▇▇▇▇▇▇3222"),  // Mastercard 2-series
            ("378282246310005", "378282▇▇▇▇▇0005"),  // American Express, 15
            ("371449635398431", "371449▇▇▇▇▇8431"),  // American Express, 15
            ("30569309025904", "305693▇▇▇▇5904"),  // Diners Club, 14
            ("38520000023237", "385200▇▇▇▇3237"),  // Diners Club, 14
            ("6011111111111117", "601111▇▇▇▇▇▇1117"),  // Discover
            ("3530111333300000", "353011▇▇▇▇▇▇0000"),  // JCB
            ("6212345678901265", "621234▇▇▇▇▇▇1265"),  // UnionPay
            ("424242424242", "424242▇▇4242"),  // 12 digits, the shortest accepted
            ("500000000009", "500000▇▇0009"),  // 12 digits
        ]
    )
    func masksValidCardNumbers(number: String, masked: String) {
        #expect(CardRedactor.redact(number) == Redaction(text: masked, count: 1))
        #expect(CardRedactor.redact("Card: \(number).") == Redaction(text: "Card: \(masked).", count: 1))
    }

    @Test(
        "Numbers failing the Luhn check are left alone",
        arguments: [
            "4222222222223", "4242424242424241", "4111111111111112", "4000000000000000007", "5555555555554445",
            "2223003122003223", "378282246310006", "30569309025905", "6011111111111118", "424242424243",
            "111111111111", "123456789012", "6200000000000000005", "4242 4242 4242 4241", "5555-5555-5555-4445",
        ]
    )
    func leavesInvalidNumbersAlone(number: String) {
        #expect(CardRedactor.redact(number) == Redaction(text: number, count: 0))
        #expect(CardRedactor.redact("pay with \(number) please").count == 0)
    }

    @Test(
        "Runs with fewer than 12 or more than 19 digits are left alone, even when Luhn-valid",
        arguments: [
            "0", "42", "4242", "42424242", "4242424242", "42424242420",  // 11 digits, Luhn-valid
            "4242 4242 420",
            "42424242424242424242",  // 20 digits, Luhn-valid
            "00000000000000000000",  // 20 digits
            "4242 4242 4242 4242 4242",
            "0000000000000000000000000000000000000000",
        ]
    )
    func leavesShortAndLongRunsAlone(text: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
    }

    // MARK: Separators

    @Test(
        "Single spaces and dashes between digits are part of the number and kept",
        arguments: [
            ("4242 4242 4242 4242", "4242 42▇▇ ▇▇▇▇ 4242"),
            ("5555-5555-5555-4444", "5555-55▇▇-▇▇▇▇-4444"),
            ("4242 4242-4242 4242", "4242 42▇▇-▇▇▇▇ 4242"),  // mixed
            ("3782 822463 10005", "3782 82▇▇▇▇ ▇0005"),  // Amex grouping
            ("3056 930902 5904", "3056 93▇▇▇▇ 5904"),  // Diners grouping
            ("4 2 4 2 4 2 4 2 4 2 4 2 4 2 4 2", "4 2 4 2 4 2 ▇ ▇ ▇ ▇ ▇ ▇ 4 2 4 2"),
            ("42424-24242-424242", "42424-2▇▇▇▇-▇▇4242"),
            ("4000 0000 0000 0000 006", "4000 00▇▇ ▇▇▇▇ ▇▇▇0 006"),  // 19 digits
            ("4242\u{00A0}4242\u{00A0}4242\u{00A0}4242", "4242\u{00A0}42▇▇\u{00A0}▇▇▇▇\u{00A0}4242"),  // no-break space
            ("4242\u{202F}4242\u{202F}4242\u{202F}4242", "4242\u{202F}42▇▇\u{202F}▇▇▇▇\u{202F}4242"),  // narrow NBSP
            ("4242\u{2013}4242\u{2013}4242\u{2013}4242", "4242\u{2013}42▇▇\u{2013}▇▇▇▇\u{2013}4242"),  // en dash
            ("4242\u{2010}4242\u{2011}4242\u{2212}4242", "4242\u{2010}42▇▇\u{2011}▇▇▇▇\u{2212}4242"),  // hyphens, minus
        ]
    )
    func keepsSeparators(text: String, masked: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: masked, count: 1))
    }

    @Test(
        "Two separators in a row or any other character end the number",
        arguments: [
            "4111  1111 1111 1111",  // two spaces
            "4111 1111  1111 1111",
            "4111--1111-1111-1111",  // two dashes
            "4111 -1111 1111 1111",  // space then dash
            "4111 - 1111 - 1111 - 1111",
            "4111.1111.1111.1111",  // dots
            "4111/1111/1111/1111",
            "4111_1111_1111_1111",
            "4111,1111,1111,1111",
            "4111\t1111\t1111\t1111",  // tabs
            "4111\n1111\n1111\n1111",  // line breaks
        ]
    )
    func otherCharactersEndTheNumber(text: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
    }

    @Test func trailingAndLeadingSeparatorsAreNotPartOfTheNumber() {
        #expect(CardRedactor.redact("4242 4242 4242 4242 ").text == "4242 42▇▇ ▇▇▇▇ 4242 ")
        #expect(CardRedactor.redact("4242-4242-4242-4242-").text == "4242-42▇▇-▇▇▇▇-4242-")
        #expect(CardRedactor.redact("4242 4242 4242 4242 - thanks").text == "4242 42▇▇ ▇▇▇▇ 4242 - thanks")
        #expect(CardRedactor.redact("4242 4242 4242 4242  ").text == "4242 42▇▇ ▇▇▇▇ 4242  ")
        #expect(CardRedactor.redact(" 4242424242424242").text == " 424242▇▇▇▇▇▇4242")
        #expect(CardRedactor.redact("-4242424242424242").text == "-424242▇▇▇▇▇▇4242")
        #expect(CardRedactor.redact("--4242-4242-4242-4242--").text == "--4242-42▇▇-▇▇▇▇-4242--")
    }

    @Test func numbersJoinedByASingleSeparatorAreOneRun() {
        // A single space joins digit groups, so two cards written with only a space between them make one
        // 32-digit run, which is not a card. The price of judging runs as a whole; a comma or a line break
        // between them keeps them apart.
        #expect(CardRedactor.redact("4242424242424242 5555555555554444").count == 0)
        #expect(CardRedactor.redact("4242424242424242, 5555555555554444").count == 2)
    }

    @Test func separatedGroupsAreJudgedOnlyTogether() {
        // Two short numbers separated by two spaces stay two numbers, whatever they would be together.
        #expect(CardRedactor.redact("424242  4242424242").count == 0)
        // After a double separator the remaining twelve digits are a number of their own, and a valid one.
        #expect(CardRedactor.redact("4242  4242 4242 4242") == Redaction(text: "4242  4242 42▇▇ 4242", count: 1))
    }

    // MARK: Several numbers, longer runs

    @Test func masksEveryNumberInATextAndCountsThem() {
        let text = "First 4242 4242 4242 4242, then 5555-5555-5555-4444; and 378282246310005!"
        let expected = "First 4242 42▇▇ ▇▇▇▇ 4242, then 5555-55▇▇-▇▇▇▇-4444; and 378282▇▇▇▇▇0005!"
        #expect(CardRedactor.redact(text) == Redaction(text: expected, count: 3))

        let mixed = "valid 4111111111111111 invalid 4111111111111112 valid 30569309025904"
        #expect(
            CardRedactor.redact(mixed)
                == Redaction(text: "valid 411111▇▇▇▇▇▇1111 invalid 4111111111111112 valid 305693▇▇▇▇5904", count: 2)
        )

        let lines = "4242424242424242\n5555555555554444\n4111111111111111"
        #expect(
            CardRedactor.redact(lines)
                == Redaction(text: "424242▇▇▇▇▇▇4242\n555555▇▇▇▇▇▇4444\n411111▇▇▇▇▇▇1111", count: 3)
        )
        #expect(CardRedactor.redact("4242424242424242,4242424242424242").count == 2)
        #expect(CardRedactor.redact(String(repeating: "4242424242424242 / ", count: 100)).count == 100)
    }

    @Test(
        "A card number inside a longer run of digits is not a card number",
        arguments: [
            "123456789" + "4242424242424242",  // 25 digits
            "4242424242424242" + "123456789",
            "1" + "4242424242424242",  // 17 digits, the whole run fails Luhn
            "4242 4242 4242 4242 1",  // the run goes on after the card
            "1 4242 4242 4242 4242",
            "12345-4242424242424242-67890",
        ]
    )
    func cardInsideLongerRun(text: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
    }

    // MARK: Things that are not card numbers

    @Test(
        "Phone numbers written with + are left alone even when their digits pass Luhn",
        arguments: [
            "+4915112345678", "+49 1511 2345 678", "+49-1511-2345678", "+49151123456786", "Call me on +4915112345678.",
            "\u{FF0B}4915112345678",  // fullwidth plus
            "+4242424242424242",
        ]
    )
    func phoneNumbersAreLeftAlone(text: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
    }

    @Test func onlyAPlusRightBeforeTheNumberMakesItAPhoneNumber() {
        // The same Luhn-valid digits without the plus are indistinguishable from a card and are masked.
        #expect(CardRedactor.redact("4915112345678") == Redaction(text: "491511▇▇▇5678", count: 1))
        #expect(CardRedactor.redact("+ 4242424242424242").text == "+ 424242▇▇▇▇▇▇4242")
        #expect(CardRedactor.redact("+49 4242424242424242").text == "+49 4242424242424242")  // one run of 18
        #expect(
            CardRedactor.redact("+4915112345678 or 4242424242424242")
                == Redaction(text: "+4915112345678 or 424242▇▇▇▇▇▇4242", count: 1)
        )
    }

    @Test(
        "Dates, times, amounts and order ids are left alone",
        arguments: [
            "2024-01-15", "15.01.2024", "01/15/2024", "2024-01-15 12:30:45", "2024-01-15T12:30:45Z", "ORD-12345678",
            "Order ORD-12345678 from 2024-01-15", "#123456789012", "Invoice INV-2024-000123", "€1,234,567.89",
            "1 234 567,89 €", "12:30", "v1.2.3", "10.0.0.1", "2023",
        ]
    )
    func nonCardNumbersAreLeftAlone(text: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
    }

    @Test(
        "Letters next to the number do not protect it",
        arguments: [
            ("ab4242424242424242", "ab424242▇▇▇▇▇▇4242"),
            ("4242424242424242xyz", "424242▇▇▇▇▇▇4242xyz"),
            ("card4242-4242-4242-4242end", "card4242-42▇▇-▇▇▇▇-4242end"),
            ("card:4242424242424242", "card:424242▇▇▇▇▇▇4242"),
            ("我的卡号是4242424242424242谢谢", "我的卡号是424242▇▇▇▇▇▇4242谢谢"),
            ("บัตร4242424242424242ครับ", "บัตร424242▇▇▇▇▇▇4242ครับ"),
        ]
    )
    func lettersDoNotProtectNumbers(text: String, masked: String) {
        #expect(CardRedactor.redact(text) == Redaction(text: masked, count: 1))
    }

    // MARK: Unicode

    @Test func textAroundIsUnchangedIncludingEmojiAndOtherScripts() {
        let cases: [(String, String)] = [
            ("💳 4242 4242 4242 4242 🙏🏽", "💳 4242 42▇▇ ▇▇▇▇ 4242 🙏🏽"),
            ("👨‍👩‍👧4242424242424242👍", "👨‍👩‍👧424242▇▇▇▇▇▇4242👍"),
            ("🇩🇪 5555-5555-5555-4444 🇩🇪", "🇩🇪 5555-55▇▇-▇▇▇▇-4444 🇩🇪"),
            ("Моя карта 4111 1111 1111 1111, спасибо", "Моя карта 4111 11▇▇ ▇▇▇▇ 1111, спасибо"),
            ("رقم بطاقتي 4111111111111111 شكرا", "رقم بطاقتي 411111▇▇▇▇▇▇1111 شكرا"),
            ("カード番号は 4242 4242 4242 4242 です", "カード番号は 4242 42▇▇ ▇▇▇▇ 4242 です"),
            ("Ça coûte 4242424242424242 €", "Ça coûte 424242▇▇▇▇▇▇4242 €"),
        ]
        for (text, masked) in cases {
            #expect(CardRedactor.redact(text) == Redaction(text: masked, count: 1))
            #expect(CardRedactor.redact(text).text.count == text.count)
        }
        let untouched = "Hello 👋🏾 wie geht's? こんにちは 你好 مرحبا שלום नमस्ते 🇯🇵 e\u{301}"
        #expect(CardRedactor.redact(untouched) == Redaction(text: untouched, count: 0))
    }

    @Test(
        "Decimal digits of other scripts count with their value",
        arguments: [
            0x660,  // Arabic-Indic
            0x6F0,  // Extended Arabic-Indic (Persian, Urdu)
            0x966,  // Devanagari
            0x9E6,  // Bengali
            0xE50,  // Thai
            0xFF10,  // fullwidth
            0x1D7CE,  // mathematical bold, outside the BMP
        ] as [UInt32]
    )
    func unicodeDigitsAreMasked(zero: UInt32) {
        let card = Self.inScript("4242 4242 4242 4242", zero: zero)
        let masked = Self.inScript("4242 42▇▇ ▇▇▇▇ 4242", zero: zero)
        #expect(CardRedactor.redact("→ \(card) ←") == Redaction(text: "→ \(masked) ←", count: 1))

        let invalid = Self.inScript("4242424242424241", zero: zero)
        #expect(CardRedactor.redact(invalid) == Redaction(text: invalid, count: 0))
        let phone = "+" + Self.inScript("4915112345678", zero: zero)
        #expect(CardRedactor.redact(phone).count == 0)
    }

    @Test func unicodeDigitExamples() {
        #expect(CardRedactor.redact("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢").text == "٤٢٤٢٤٢▇▇▇▇▇▇٤٢٤٢")
        #expect(CardRedactor.redact("４２４２　４２４２　４２４２　４２４２").text == "４２４２　４２▇▇　▇▇▇▇　４２４２")
        #expect(CardRedactor.redact("４２４２－４２４２－４２４２－４２４２").text == "４２４２－４２▇▇－▇▇▇▇－４２４２")
        // Scripts mixed within one number still make one number.
        #expect(CardRedactor.redact("4242 ٤٢٤٢ ४२४२ ４２４２").text == "4242 ٤٢▇▇ ▇▇▇▇ ４２４２")
    }

    @Test func numberLikeCharactersThatAreNotDecimalDigitsDoNotCount() {
        // Superscripts, circled numbers and Roman numerals are numbers (No, Nl) but not decimal digits (Nd).
        // Each would complete 4111111111111111 if it counted as the digit 1.
        let keycaps = "4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣4️⃣2️⃣"
        for text in ["411111111111111¹", "411111111111111①", "411111111111111Ⅰ", keycaps] {
            #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0))
        }
    }

    @Test func everyUnicodeDecimalDigitIsRecognised() {
        // Checks the redactor's digit table against the standard library's Unicode data: a newer Unicode
        // version adding digits must fail here, not silently leave cards in those digits unmasked.
        var zeros: [UInt32] = []
        var value: UInt32 = 0
        while value <= 0x10FFFF {
            if let scalar = Unicode.Scalar(value), scalar.properties.generalCategory == .decimalNumber,
                scalar.properties.numericValue == 0
            {
                zeros.append(value)
            }
            value += 1
        }
        #expect(zeros.count >= 60)
        for zero in zeros {
            let card = Self.inScript("4111111111111111", zero: zero)
            let masked = Self.inScript("411111▇▇▇▇▇▇1111", zero: zero)
            #expect(
                CardRedactor.redact("x\(card)x") == Redaction(text: "x\(masked)x", count: 1),
                "digits from U+\(String(zero, radix: 16, uppercase: true))"
            )
        }
    }

    // MARK: Edge cases

    @Test func emptyAndDigitFreeTextsAreReturnedUnchanged() {
        #expect(CardRedactor.redact("") == Redaction(text: "", count: 0))
        #expect(CardRedactor.redact(" ") == Redaction(text: " ", count: 0))
        #expect(CardRedactor.redact("Hello, world!") == Redaction(text: "Hello, world!", count: 0))
        #expect(CardRedactor.redact("- - -") == Redaction(text: "- - -", count: 0))
        #expect(CardRedactor.redact("+") == Redaction(text: "+", count: 0))
    }

    @Test func theMaskCharacterIsTheZendeskBlock() {
        #expect(CardRedactor.maskCharacter == "\u{2587}")
        #expect(CardRedactor.digitCount == 12...19)
        // A masked text is not masked again: the block is not a digit, so fewer than 12 digits remain.
        let once = CardRedactor.redact("4242 4242 4242 4242").text
        #expect(CardRedactor.redact(once) == Redaction(text: once, count: 0))
    }

    @Test func pathologicalInputsFinish() {
        let digits = String(repeating: "4", count: 200_000)
        #expect(CardRedactor.redact(digits).count == 0)
        let spaced = String(repeating: "4 ", count: 100_000)
        #expect(CardRedactor.redact(spaced).count == 0)
        let cards = String(repeating: "4242424242424242, ", count: 10_000)
        let result = CardRedactor.redact(cards)
        #expect(result.count == 10_000)
        #expect(result.text == String(repeating: "424242▇▇▇▇▇▇4242, ", count: 10_000))
        let nearMisses = String(repeating: "4242  ", count: 50_000)
        #expect(CardRedactor.redact(nearMisses).count == 0)
    }

    // MARK: Properties over random inputs

    @Test func randomValidNumbersInRandomTextAreMasked() {
        var random = SplitMix64(seed: 0x5EED_CA2D)
        for _ in 0..<2_000 {
            let length = Int.random(in: 12...19, using: &random)
            let digits = Self.luhnValidNumber(length: length, using: &random)
            let formatted = Self.format(digits, using: &random)
            let prefix = Self.randomText(using: &random) + Self.randomBoundary(using: &random)
            let suffix = Self.randomBoundary(using: &random) + Self.randomText(using: &random)
            let text = prefix + formatted + suffix

            let result = CardRedactor.redact(text)
            #expect(result.count == 1, "\(text)")
            #expect(!result.text.contains(digits), "\(text)")
            #expect(!result.text.contains(formatted), "\(text)")
            #expect(result.text.count == text.count)
            #expect(result.text.hasPrefix(prefix) && result.text.hasSuffix(suffix), "\(text)")

            let maskedNumber = String(result.text.dropFirst(prefix.count).dropLast(suffix.count))
            let keptDigits = String(maskedNumber.filter(\.isASCII).filter(\.isNumber))
            #expect(keptDigits == String(digits.prefix(6) + digits.suffix(4)), "\(text)")
            #expect(maskedNumber.filter { $0 == CardRedactor.maskCharacter }.count == length - 10)
            let separators = maskedNumber.filter { !$0.isNumber && $0 != CardRedactor.maskCharacter }
            #expect(separators == formatted.filter { !$0.isNumber })
        }
    }

    @Test func randomInvalidNumbersInRandomTextAreLeftAlone() {
        var random = SplitMix64(seed: 0xBAD_C0DE)
        for _ in 0..<2_000 {
            let length = Int.random(in: 12...19, using: &random)
            let valid = Self.luhnValidNumber(length: length, using: &random)
            // Any other final digit breaks the check.
            let last = Int(String(valid.last!))!
            let wrong = (last + Int.random(in: 1...9, using: &random)) % 10
            let digits = String(valid.dropLast()) + String(wrong)
            let text =
                Self.randomText(using: &random) + Self.randomBoundary(using: &random)
                + Self.format(digits, using: &random) + Self.randomBoundary(using: &random)
                + Self.randomText(using: &random)
            #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0), "\(text)")
        }
    }

    @Test func randomNumbersOfOtherLengthsAreLeftAlone() {
        var random = SplitMix64(seed: 0x1E96_7A)
        for _ in 0..<1_000 {
            let length =
                Bool.random(using: &random)
                ? Int.random(in: 1...11, using: &random) : Int.random(in: 20...40, using: &random)
            let digits = Self.luhnValidNumber(length: length, using: &random)
            let text = Self.randomText(using: &random) + " " + Self.format(digits, using: &random) + " "
            #expect(CardRedactor.redact(text) == Redaction(text: text, count: 0), "\(text)")
        }
    }

    @Test func randomTextsWithSeveralNumbersAreCounted() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            var text = Self.randomText(using: &random)
            var expected = 0
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let digits = Self.luhnValidNumber(length: Int.random(in: 12...19, using: &random), using: &random)
                text += Self.randomBoundary(using: &random) + Self.format(digits, using: &random)
                text += Self.randomBoundary(using: &random) + Self.randomText(using: &random)
                expected += 1
            }
            let result = CardRedactor.redact(text)
            #expect(result.count == expected, "\(text)")
            #expect(result.text.count == text.count)
            #expect((result.count == 0) == (result.text == text))
        }
    }

    // MARK: JSON documents

    @Test func masksEveryStringInAJSONDocument() {
        let document: JSONValue = [
            "text": "My card is 4242 4242 4242 4242",
            "nested": ["deeper": ["list": ["5555555555554444", "no card here", ["378282246310005"]]]],
            "unrelated": "hello",
        ]
        let expected: JSONValue = [
            "text": "My card is 4242 42▇▇ ▇▇▇▇ 4242",
            "nested": ["deeper": ["list": ["555555▇▇▇▇▇▇4444", "no card here", ["378282▇▇▇▇▇0005"]]]],
            "unrelated": "hello",
        ]
        let (redacted, count) = CardRedactor.redact(document)
        #expect(redacted == expected)
        #expect(count == 3)
    }

    @Test func countsEveryNumberInEveryString() {
        let document: JSONValue = ["a": "4242424242424242 and 4111111111111111", "b": ["5555555555554444"]]
        #expect(CardRedactor.redact(document).1 == 3)
    }

    @Test func objectKeysAreLeftAlone() {
        let document: JSONValue = ["4242424242424242": "4242424242424242"]
        let (redacted, count) = CardRedactor.redact(document)
        #expect(redacted == ["4242424242424242": "424242▇▇▇▇▇▇4242"])
        #expect(count == 1)
    }

    @Test func cardNumbersSentAsJSONNumbersBecomeMaskedStrings() {
        let document: JSONValue = [
            "card": .int(4_242_424_242_424_242),
            "negative": .int(-4_111_111_111_111_111),
            "double": .double(5_555_555_555_554_444),
            "list": [.int(378_282_246_310_005), .int(42)],
        ]
        let expected: JSONValue = [
            "card": "424242▇▇▇▇▇▇4242",
            "negative": "-411111▇▇▇▇▇▇1111",
            "double": "555555▇▇▇▇▇▇4444",
            "list": ["378282▇▇▇▇▇0005", .int(42)],
        ]
        let (redacted, count) = CardRedactor.redact(document)
        #expect(redacted == expected)
        #expect(count == 4)
    }

    @Test(
        "JSON values without card numbers come back unchanged",
        arguments: [
            .null, .bool(true), .bool(false), .int(0), .int(42), .int(-1), .int(Int.max), .int(Int.min),
            .int(4_242_424_242_424_241),  // fails Luhn
            .int(42_424_242_426),  // 11 digits
            .double(1.5), .double(4_242_424_242_424_242.5), .double(-0.0), .double(.infinity), .double(.nan),
            .double(1e300), .double(4.242424242424242e-5),
            .string(""), .string("no card"), .string("+4915112345678"), .array([]), .object([:]),
            ["a": [1, 2, 3], "b": ["c": "text", "d": nil, "e": true]],
        ] as [JSONValue]
    )
    func leavesOtherJSONValuesAlone(value: JSONValue) {
        let (redacted, count) = CardRedactor.redact(value)
        #expect(count == 0)
        if case .double(let number) = value, number.isNaN {
            // NaN is not equal to itself; it must still come back as a number.
            guard case .double(let back) = redacted else { Issue.record("NaN became \(redacted)"); return }
            #expect(back.isNaN)
        } else {
            #expect(redacted == value)
        }
    }

    @Test func aStringLiteralPicksTheTextOverload() {
        let result: Redaction = CardRedactor.redact("4242424242424242")
        #expect(result.text == "424242▇▇▇▇▇▇4242")
        let json: JSONValue = "4242424242424242"
        #expect(CardRedactor.redact(json) == (.string("424242▇▇▇▇▇▇4242"), 1))
    }

    // MARK: Helpers

    private static func inScript(_ text: String, zero: UInt32) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    guard let digit = scalar.properties.numericValue, scalar.isASCII else { return scalar }
                    return Unicode.Scalar(zero + UInt32(digit))!
                }
            )
        )
    }

    private static func luhnValidNumber(length: Int, using random: inout SplitMix64) -> String {
        var digits = (0..<(length - 1)).map { _ in Int.random(in: 0...9, using: &random) }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            // Seen from the check digit still to come, the rightmost of these is doubled.
            let value = offset.isMultiple(of: 2) ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        digits.append((10 - sum % 10) % 10)
        return digits.map(String.init).joined()
    }

    /// Writes the digits plain, in groups of four, or with random single separators.
    private static func format(_ digits: String, using random: inout SplitMix64) -> String {
        switch Int.random(in: 0...2, using: &random) {
        case 0:
            return digits
        case 1:
            let separator = Bool.random(using: &random) ? " " : "-"
            var result = ""
            for (offset, digit) in digits.enumerated() {
                if offset > 0 && offset.isMultiple(of: 4) { result += separator }
                result.append(digit)
            }
            return result
        default:
            var result = ""
            for (offset, digit) in digits.enumerated() {
                if offset > 0 && Int.random(in: 0...3, using: &random) == 0 {
                    result += Bool.random(using: &random) ? " " : "-"
                }
                result.append(digit)
            }
            return result
        }
    }

    /// Text without digits or `+`, including separators, so that only the boundaries decide where numbers end.
    private static func randomText(using random: inout SplitMix64) -> String {
        let pieces = [
            "a", "Z", " ", "-", "  ", ".", ",", "é", "ß", "Ж", "ع", "你", "の", "🎉", "👍🏽", "🇩🇪", "👨‍👩‍👧", "\n", "ok ",
            "card ", "no. ", "#", "€", "(", ")", "?", "!",
        ]
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            .joined()
    }

    /// A character that ends a number and is neither a separator, a digit nor `+`.
    private static func randomBoundary(using random: inout SplitMix64) -> String {
        ["x", ".", ",", ":", "/", "(", ")", "🎉", "你", "é", "\n", "#", "*"].randomElement(using: &random)!
    }
}
