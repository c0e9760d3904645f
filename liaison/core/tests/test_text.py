def test_long_words_wrap_at_their_joints_and_stay_escaped():
    from liaison.core.templatetags.liaison_text import soft_breaks

    assert soft_breaks("Equipment/printing") == "Equipment/<wbr>printing"
    assert soft_breaks("advising@college.example") == "advising<wbr>@college.<wbr>example"
    assert soft_breaks("<b>/x") == "&lt;b&gt;/<wbr>x"
    assert soft_breaks("Research") == "Research"
