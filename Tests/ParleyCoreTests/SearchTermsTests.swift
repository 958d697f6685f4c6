import ParleyCore
import Testing

@Suite("Search queries as whole words")
struct SearchTermsTests {
    typealias Word = SearchTerms.Word

    @Test func wordsAreRunsOfLettersAndDigitsInLowerCase() {
        #expect(SearchTerms("Refund  PLEASE").words == [Word("refund"), Word("please")])
        #expect(SearchTerms("50%").words == [Word("50")])
        #expect(SearchTerms("ann@example.com").words == [Word("ann"), Word("example"), Word("com")])
        #expect(SearchTerms("Grüße café 東京").words == [Word("grüße"), Word("café"), Word("東京")])
        #expect(SearchTerms("_ % -- *").isEmpty)
    }

    @Test func aTrailingStarMakesThePrecedingWordAPrefix() {
        #expect(SearchTerms("refund*").words == [Word("refund", isPrefix: true)])
        #expect(SearchTerms("e-mail* order").words == [Word("e"), Word("mail", isPrefix: true), Word("order")])
        #expect(SearchTerms("re*fund").words == [Word("re"), Word("fund")], "a star inside a word is a separator")
    }

    @Test func zendeskFiltersAreLeftOut() {
        #expect(SearchTerms("status:open type:ticket printer").words == [Word("printer")])
    }

    @Test func queriesQuoteEveryWordSoOperatorsAreWords() {
        let terms = SearchTerms("fire OR NOT \"smoke\" refund*")
        #expect(terms.fts5Query == "\"fire\" \"or\" \"not\" \"smoke\" \"refund\"*")
        #expect(terms.tsQuery == "'fire' & 'or' & 'not' & 'smoke' & 'refund':*")
        for word in SearchTerms("it's a \"quote\" 'and' \\ back").words {
            #expect(!word.text.contains("'") && !word.text.contains("\"") && !word.text.contains("\\"), "\(word.text)")
        }
    }
}
