@testable import SkypePostgres
import Testing

/// What may be printed of a connection string, and what the loader adds to it.
@Suite struct ConnectionStringTests {
    @Test(arguments: [
        "postgres://u:50%off@127.0.0.1:1/db",
        "postgres://u:50%off@[::1/db",
        "postgresql://u:50%off@h/db?bogus=1",
        "host='x password=50%off",
        "host=h password=50%off bogus=1",
        "host=h password=50 off",
    ])
    func noPartOfAPasswordSurvivesAnyMessage(_ text: String) {
        let string = ConnectionString(text)
        // What libpq says (with the tokens it quotes), and our own text quoting the whole string.
        for message in [#"invalid percent-encoded token: "50%off""#, #"missing "=" after "off" in connection info string"#,
                        "could not connect with \(text)", "50%off and 50%25off"] {
            let shown = string.redact(message)
            #expect(!shown.contains("50%off") && !shown.contains("50%25off") && !shown.contains("\"off\""), "\(text): \(shown)")
        }
    }

    @Test func aValidStringKeepsItsMessagesButNotItsPassword() {
        let string = ConnectionString("postgres://me:s%40cret@db.example.com:5433/chats?sslmode=require")
        let shown = string.redact(#"connection to server at "db.example.com" failed: password authentication failed for user "me" (s@cret)"#)
        #expect(shown.contains("db.example.com"))
        #expect(!shown.contains("s@cret"))
        #expect(string.parseError == nil)
    }

    @Test func theURLPasswordIsFoundAsLibpqFindsIt() {
        #expect(ConnectionString.urlPassword("postgres://u:p%40ss@h/db?application_name=a@b") == "p%40ss")
        #expect(ConnectionString.urlPassword("postgresql://u@h/db") == nil)
        #expect(ConnectionString.urlPassword("postgres://h/db?x=u:p@q") == nil)
    }

    @Test func defaultsComeBeforeTheStringAndAreLeftToAVariableOrAService() {
        let keys = { (text: String, environment: [String: String]) in
            ConnectionString(text).connectParameters(extra: [], environment: environment).map(\.key)
        }
        #expect(keys("postgres://h/db", [:]) == ConnectionString.defaultOptions.map(\.key) + ["dbname"])
        #expect(!keys("postgres://h/db", ["PGCONNECT_TIMEOUT": "3"]).contains("connect_timeout"))
        #expect(!keys("host=h connect_timeout=3", [:]).contains("connect_timeout"))
        #expect(keys("service=mine", [:]) == ["dbname"])
        #expect(keys("", ["PGSERVICE": "mine"]) == ["dbname"])
    }

    @Test(arguments: [
        ("postgres://h/db", "postgres://h/db?password=it%27s%20a%25%40secret"),
        ("postgres://h/db?sslmode=require", "postgres://h/db?sslmode=require&password=it%27s%20a%25%40secret"),
        ("host=h dbname=x", #"host=h dbname=x password='it\'s a%@secret'"#),
        ("", #"password='it\'s a%@secret'"#),
        ("chats", #"dbname='chats' password='it\'s a%@secret'"#),
    ])
    func aPasswordFromTheEnvironmentTravelsInTheString(_ text: String, _ expected: String) {
        #expect(ConnectionString(text).addingPassword("it's a%@secret") == expected)
    }

    @Test func aPasswordInTheStringIsKept() {
        #expect(ConnectionString("postgres://u:mine@h/db").addingPassword("other") == "postgres://u:mine@h/db")
        #expect(ConnectionString("host=h password=mine").addingPassword("other") == "host=h password=mine")
    }
}
