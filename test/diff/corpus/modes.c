/* corpus: mode(...) on integer, enum, floating and complex types (signedness kept, word and pointer per ABI) */
typedef int m_qi __attribute__((mode(QI)));
typedef unsigned m_hi __attribute__((__mode__(__HI__)));
typedef short m_si __attribute__((mode(SI)));
typedef int m_di __attribute__((mode(DI)));
typedef unsigned char m_word __attribute__((mode(word)));
typedef long m_ptr __attribute__((mode(pointer)));
typedef int m_byte __attribute__((mode(byte)));
typedef double m_sf __attribute__((mode(SF)));
typedef float m_df __attribute__((mode(DF)));
typedef _Complex float m_dc __attribute__((mode(DC)));
typedef _Complex int m_sc __attribute__((mode(SC)));
typedef _Complex int m_cqi __attribute__((mode(CQI)));
enum __attribute__((mode(HI))) m_enum { ME_A, ME_B };
struct modes { char c; m_qi a; m_hi b; m_si d; m_di e; m_word f; m_ptr g; m_byte h; m_sf i; m_df j; m_dc k; m_sc l; m_cqi m; enum m_enum n; };
struct mode_bits { m_qi a : 3; m_hi b : 9; m_di c : 40; m_word d : 5; enum m_enum e : 4; };
struct member_mode { char c; int x __attribute__((mode(HI))); long y : 5 __attribute__((mode(QI))); };
