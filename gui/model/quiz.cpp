#include "model/quiz.hpp"

namespace cachescope::gui {

void Quiz::setEnabled(bool on) {
    enabled_ = on;
    guess_.reset();
}

bool Quiz::judge(const ReferenceNarration& revealed) {
    if (!guess_) return false;
    const bool right = *guess_ == revealed.servedBy;
    lastAnswer_ = std::pair{*guess_, revealed.servedBy};
    ++asked_;
    if (right) ++correct_;
    guess_.reset();
    return right;
}

void Quiz::resetScore() {
    correct_ = asked_ = 0;
    lastAnswer_.reset();
    guess_.reset();
}

}  // namespace cachescope::gui
