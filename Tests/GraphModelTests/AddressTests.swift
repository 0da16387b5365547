import GraphModel
import Testing

@Suite("Address parsing")
struct AddressTests {
    @Test("Every form Ruby writes or a user types is the same address", arguments: [
        "0x7f4d6f91bd38", "0X7F4D6F91BD38", "7f4d6f91bd38", "0x00007f4d6f91bd38", "00007f4d6f91bd38",
        "0x0000000000007f4d6f91bd38",
    ])
    func forms(_ text: String) {
        #expect(Address.parse(text) == 0x7f4d_6f91_bd38)
        #expect(Address.parse(Substring(text)) == 0x7f4d_6f91_bd38)
    }

    @Test("Not addresses", arguments: ["", "0x", "0xg1", "-7f", "+7f", "0x 7f", "7f ", "12345678901234567", "0x1_0"])
    func rejected(_ text: String) {
        #expect(Address.parse(text) == nil)
    }

    @Test("Limits and printing")
    func limits() {
        #expect(Address.parse("0xffffffffffffffff") == .max)
        #expect(Address.parse("0") == 0)
        #expect(Address.parse("0x0") == 0)
        #expect(Address.text(0x7f4d_6f91_bd38) == "0x7f4d6f91bd38")
        #expect(Address.text(0) == "0x0")
        for a: UInt64 in [0, 1, 0x10, 0x7f4d_6f91_bd38, .max] { #expect(Address.parse(Address.text(a)) == a) }
    }
}
